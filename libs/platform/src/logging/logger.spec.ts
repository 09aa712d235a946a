import { describe, it, expect, afterEach } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpLogger, createLogger, PinoNestLogger, redactUrl, REDACTED } from './logger.js';

function capture() {
  const lines: Record<string, any>[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } };
}

describe('createLogger', () => {
  it('writes one JSON object per line with a level name and ISO time', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', destination }).info({ ectId: 'e-1' }, 'registered');
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'registered',
      ectId: 'e-1',
      service: 'induction-ledger',
    });
    expect(lines[0].time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('respects the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'warn', destination });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });

  it('redacts secrets at any depth and personal data inside data', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', destination })
      .child({ sessionToken: 'abc' })
      .info(
        {
          headers: { authorization: 'Bearer xyz', cookie: 'sid=1', accept: 'text/html' },
          config: { apiTokenSecret: 's', nested: { dbPassword: 'p', piiMasterKey: 'k', port: 3000 } },
          event: {
            type: 'EctRegistered',
            data: { schoolUrn: '123456', personal: { 'a-b': { firstName: 'Ada' } } },
          },
          list: [{ refreshToken: 'r' }],
        },
        'something',
      );
    const line = lines[0];
    expect(line.sessionToken).toBe(REDACTED);
    expect(line.headers).toEqual({ authorization: REDACTED, cookie: REDACTED, accept: 'text/html' });
    expect(line.config).toEqual({
      apiTokenSecret: REDACTED,
      nested: { dbPassword: REDACTED, piiMasterKey: REDACTED, port: 3000 },
    });
    expect(line.event.data).toEqual({ schoolUrn: '123456', personal: REDACTED });
    expect(line.list).toEqual([{ refreshToken: REDACTED }]);
    expect(JSON.stringify(line)).not.toMatch(/Ada|xyz|sid=1/);
  });

  it('keeps errors readable', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', destination }).error({ err: new Error('boom') }, 'failed');
    expect(lines[0].err).toMatchObject({
      type: 'Error',
      message: 'boom',
      stack: expect.stringContaining('boom'),
    });
  });
});

describe('redactUrl', () => {
  it('hides secret and personal query values, keeps the rest', () => {
    expect(redactUrl('/ects?trn=1234567&page=2&access_token=t&q=Ada')).toBe(
      `/ects?trn=${REDACTED}&page=2&access_token=${REDACTED}&q=${REDACTED}`,
    );
    expect(redactUrl('/auth/callback?code=c&state=s')).toBe(
      `/auth/callback?code=${REDACTED}&state=${REDACTED}`,
    );
    expect(redactUrl('/ects/123')).toBe('/ects/123');
    expect(redactUrl('/x?flag&status=open')).toBe('/x?flag&status=open');
  });
});

describe('createHttpLogger', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(status: number, quietPaths: string[] = []) {
    const { lines, destination } = capture();
    const middleware = createHttpLogger(createLogger({ level: 'info', destination }), { quietPaths });
    server = createServer((req, res) => {
      middleware(req, res);
      req.log.info({ data: { personal: { x: { name: 'Ada' } } } }, 'handler says hello');
      res.setHeader('Set-Cookie', 'sid=secret-session');
      res.statusCode = status;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { lines, base };
  }

  it('logs method, redacted url, status, duration and a request id it echoes', async () => {
    const { lines, base } = await serve(201);
    const response = await fetch(`${base}/api/v1/ects?token=abc&status=open`, {
      method: 'POST',
      headers: { Authorization: 'Bearer abc', Cookie: 'sid=1', 'X-Csrf-Token': 't' },
    });
    await response.text();
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 20));

    const handler = lines.find((l) => l.msg === 'handler says hello')!;
    expect(handler).toMatchObject({ requestId: id, data: { personal: REDACTED } });

    const done = lines.find((l) => l.res)!;
    expect(done).toMatchObject({
      level: 'info',
      msg: `POST /api/v1/ects?token=${REDACTED}&status=open 201`,
      requestId: id,
      req: { id, method: 'POST', url: `/api/v1/ects?token=${REDACTED}&status=open` },
      res: { statusCode: 201 },
      durationMs: expect.any(Number),
    });
    expect(done.req.headers).toMatchObject({
      authorization: REDACTED,
      cookie: REDACTED,
      'x-csrf-token': REDACTED,
    });
    expect(done.res.headers['set-cookie']).toBe(REDACTED);
    expect(JSON.stringify(lines)).not.toMatch(/Bearer abc|secret-session|Ada|token=abc/);
  });

  it('reuses a sane X-Request-Id and replaces a suspicious one', async () => {
    const { base } = await serve(200);
    const kept = await fetch(base, { headers: { 'X-Request-Id': 'lb-1234.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-1234.abc');
    const replaced = await fetch(base, { headers: { 'X-Request-Id': 'x'.repeat(300) } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs a 5xx as error and skips quiet paths', async () => {
    const { lines, base } = await serve(503, ['/health']);
    await (await fetch(`${base}/api/v1/ects`)).text();
    await (await fetch(`${base}/health`)).text();
    await new Promise((r) => setTimeout(r, 20));
    const done = lines.filter((l) => l.res);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ level: 'error', res: { statusCode: 503 } });
  });
});

describe('PinoNestLogger', () => {
  it('writes Nest messages as JSON with their context, stack and level', () => {
    const { lines, destination } = capture();
    const nest = new PinoNestLogger(createLogger({ level: 'trace', destination }));
    nest.log('Nest application successfully started', 'NestApplication');
    nest.error('Unhandled', 'Error: x\n    at foo (bar.js:1:1)', 'ExceptionsHandler');
    nest.warn({ msg: 'structured', count: 2 }, 'Worker');
    nest.verbose('detail');
    nest.fatal(new Error('dead'), 'Main');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'Nest application successfully started',
        context: 'NestApplication',
      }),
      expect.objectContaining({
        level: 'error',
        msg: 'Unhandled',
        context: 'ExceptionsHandler',
        stack: expect.stringContaining('at foo'),
      }),
      expect.objectContaining({ level: 'warn', msg: 'structured', count: 2, context: 'Worker' }),
      expect.objectContaining({ level: 'trace', msg: 'detail' }),
      expect.objectContaining({
        level: 'fatal',
        msg: 'dead',
        context: 'Main',
        err: expect.objectContaining({ message: 'dead' }),
      }),
    ]);
  });

  it('an error with a stack and no context keeps the stack', () => {
    const { lines, destination } = capture();
    new PinoNestLogger(createLogger({ level: 'info', destination })).error(
      'x',
      'Error: x\n    at a (b.js:1:1)',
    );
    expect(lines[0].stack).toContain('at a');
    expect(lines[0].context).toBeUndefined();
  });
});
