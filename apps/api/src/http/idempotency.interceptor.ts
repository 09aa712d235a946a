import {
  BadRequestException,
  CallHandler,
  ConflictException,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { Observable, from, lastValueFrom } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.decorators.js';
import { toApiError } from './api-exception.filter.js';
import { IdempotencyStore } from './idempotency.store.js';

const REPLAYED_HEADERS = ['etag', 'x-log-position', 'location', 'content-type'];
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * `Idempotency-Key` (api.md): the first response to a key is kept; a retry with the same key and the same
 * request gets that response again and appends nothing. The same key with a different request is refused
 * (422), and one still in flight answers 409. Errors that mean "try again" (5xx) release the key. The
 * command handlers also derive event ids from the key, so even a crash between the append and this record
 * cannot write the events twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const raw = request.headers['idempotency-key'];
    if (raw === undefined || request.method === 'GET' || request.method === 'HEAD') return next.handle();
    const key = Array.isArray(raw) ? raw[0]! : raw;
    if (!KEY_PATTERN.test(key)) {
      throw new BadRequestException(['Idempotency-Key must be 1 to 200 visible ASCII characters']);
    }
    const response = context.switchToHttp().getResponse<Response>();
    const principal = request.principal?.userId ?? 'anonymous';
    const hash = createHash('sha256')
      .update(
        `${request.method} ${request.originalUrl.split('?')[0]}\n${JSON.stringify(request.body ?? null)}`,
      )
      .digest('hex');

    return from(
      (async () => {
        const claim = await this.store.claim(principal, key, hash);
        if (claim.kind === 'mismatch') {
          throw new UnprocessableEntityException([
            'This Idempotency-Key was already used for a different request',
          ]);
        }
        if (claim.kind === 'in-progress') {
          throw new ConflictException([
            'A request with this Idempotency-Key is still being processed: retry shortly',
          ]);
        }
        if (claim.kind === 'replay') {
          for (const [name, value] of Object.entries(claim.headers)) response.setHeader(name, value);
          response.setHeader('Idempotent-Replayed', 'true');
          response.status(claim.status);
          return claim.body;
        }
        try {
          const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
          await this.store.complete(principal, key, response.statusCode, pickHeaders(response), body);
          return body;
        } catch (error) {
          const { status, body } = toApiError(error, request);
          if (status >= 500 || status === 409) await this.store.release(principal, key);
          else await this.store.complete(principal, key, status, {}, body);
          throw error;
        }
      })(),
    );
  }
}

function pickHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = response.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}
