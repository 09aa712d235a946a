import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, from, switchMap } from 'rxjs';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { parseMinLogPosition } from './conditional-request.js';

export const READ_WAIT_TIMEOUT_MS = Symbol('READ_WAIT_TIMEOUT_MS');
export const QUERY_PROJECTIONS = Symbol('QUERY_PROJECTIONS');

/**
 * `X-Min-Log-Position` (api.md): waits, at most READ_WAIT_TIMEOUT_MS (5 s), until the projections have
 * passed the position a command returned, so a user sees their own change. If the wait runs out the read
 * is answered anyway and says so in `X-Read-Model-Stale: true`.
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  constructor(
    private readonly freshness: ReadModelFreshness,
    @Inject(READ_WAIT_TIMEOUT_MS) private readonly timeoutMs: number,
    @Inject(QUERY_PROJECTIONS) private readonly projections: string[],
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const min = parseMinLogPosition(request.headers['x-min-log-position']);
    if (min === undefined) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return from(this.freshness.waitFor(min, this.projections, this.timeoutMs)).pipe(
      switchMap((fresh) => {
        if (!fresh) response.setHeader('X-Read-Model-Stale', 'true');
        return next.handle();
      }),
    );
  }
}
