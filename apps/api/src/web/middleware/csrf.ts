/**
 * CSRF (architecture.md, "Security"): double-submit tokens bound to the session id (csrf-csrf). Every page
 * gets `csrfToken` in its locals; every POST must send it back as `_csrf`. Multipart forms (bulk upload) are
 * checked by their route after the body is parsed.
 */
import type { Request, RequestHandler } from 'express';
import { doubleCsrf } from 'csrf-csrf';

export interface Csrf {
  /** Puts a token in `res.locals.csrfToken` and checks it on unsafe methods (not multipart). */
  middleware: RequestHandler[];
  /** The check alone, for a route that parses its own (multipart) body first. */
  protect: RequestHandler;
}

export function createCsrf(secret: string, production: boolean): Csrf {
  const isMultipart = (req: Request) => (req.headers['content-type'] ?? '').startsWith('multipart/form-data');
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => req.session.id,
    cookieName: production ? '__Host-ledger.csrf' : 'ledger.csrf',
    cookieOptions: { sameSite: 'lax', secure: production, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?.['_csrf'] === 'string' ? body['_csrf'] : undefined;
    },
  });
  const check: RequestHandler = (req, res, next) =>
    isMultipart(req) ? next() : doubleCsrfProtection(req, res, next);
  const token: RequestHandler = (req, res, next) => {
    res.locals['csrfToken'] = generateCsrfToken(req, res);
    next();
  };
  return { middleware: [check, token], protect: doubleCsrfProtection };
}
