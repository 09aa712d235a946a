import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedRequest } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { parseIfMatch } from './conditional-request.js';

/** What every command carries besides its data: who, why (correlation), and how to stay idempotent. */
export interface CommandContext {
  principal: Principal;
  correlationId: string;
  causationId: string;
  /** From `Idempotency-Key`: event ids are derived from it, so a retried append writes nothing new. */
  idempotencyKey?: string;
  expectedRevision?: bigint;
}

export const CommandCtx = createParamDecorator((_data: unknown, ctx: ExecutionContext): CommandContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  const requestId = (request as { id?: unknown }).id;
  const correlationId = typeof requestId === 'string' && requestId ? requestId : randomUUID();
  const key = request.headers['idempotency-key'];
  return {
    principal: request.principal!,
    correlationId,
    causationId: correlationId,
    idempotencyKey: typeof key === 'string' && key ? key : undefined,
    expectedRevision: parseIfMatch(request.headers['if-match']),
  };
});

/** A command's answer: the HTTP layer turns it into `ETag`, `X-Log-Position` and `Location`. */
export interface CommandAccepted {
  id: string;
  revision: bigint;
  logPosition: bigint;
  location?: string;
}
