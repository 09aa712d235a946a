import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { Observable, map } from 'rxjs';
import type { CommandAccepted } from './command-context.js';

function isCommandAccepted(value: unknown): value is CommandAccepted {
  return typeof value === 'object' && value !== null && 'revision' in value && 'logPosition' in value;
}

/** Turns a command's result into `ETag` (stream revision), `X-Log-Position` and `Location` (api.md). */
@Injectable()
export class CommandResultInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!isCommandAccepted(result)) return result;
        response.setHeader('ETag', `"${result.revision}"`);
        response.setHeader('X-Log-Position', result.logPosition.toString());
        if (result.location) response.setHeader('Location', result.location);
        return {
          id: result.id,
          revision: Number(result.revision),
          logPosition: result.logPosition.toString(),
        };
      }),
    );
  }
}
