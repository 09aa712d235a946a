import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * `If-Match: "<revision>"` (api.md): the revision the client last read. Absent: undefined, and the command
 * runs against whatever it loads (still guarded by the store's optimistic concurrency).
 */
export function parseIfMatch(header: string | string[] | undefined): bigint | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^\s*(?:W\/)?"?(\d{1,18})"?\s*$/.exec(value ?? '');
  if (!match)
    throw new BadRequestException([`If-Match must be a revision in quotes, like "3" (got ${value})`]);
  return BigInt(match[1]!);
}

export const IfMatchRevision = createParamDecorator((_data: unknown, ctx: ExecutionContext) =>
  parseIfMatch(ctx.switchToHttp().getRequest<Request>().headers['if-match']),
);

export function parseMinLogPosition(header: string | string[] | undefined): bigint | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (!/^\d{1,19}$/.test(value ?? '')) {
    throw new BadRequestException([
      `X-Min-Log-Position must be a log position from X-Log-Position (got ${value})`,
    ]);
  }
  return BigInt(value!);
}
