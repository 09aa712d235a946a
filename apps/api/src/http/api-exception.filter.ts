import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '#induction/shared/domain-error.js';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '#event-store/event-store.port.js';
import { SubjectErasedError } from '#platform/personal-data/key-vault.js';

const STATUS_BY_KIND: Record<DomainError['kind'], number> = {
  invalid: HttpStatus.BAD_REQUEST,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  statutory: HttpStatus.UNPROCESSABLE_ENTITY,
  forbidden: HttpStatus.FORBIDDEN,
};

/** Database errors that mean "not now", not "never": the client should retry (api.md: 503 + Retry-After). */
const TRANSIENT_PG_CODES = /^(08|53|57P0|40001|40P01|25006)/;
const TRANSIENT_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

export function isTransient(error: unknown): boolean {
  if (error instanceof EventStoreUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (TRANSIENT_PG_CODES.test(code) || TRANSIENT_NET_CODES.has(code)))
    return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string[];
}

/** Maps every error to api.md's shape: `{ statusCode, error, message: [...] }`. */
export function toApiError(
  error: unknown,
  request?: Request,
): { status: number; body: ApiErrorBody; retryAfter?: number } {
  const body = (status: number, messages: string[]): ApiErrorBody => ({
    statusCode: status,
    error: httpReason(status),
    message: messages,
  });
  if (error instanceof DomainError) {
    const status = STATUS_BY_KIND[error.kind];
    return { status, body: body(status, [error.message]) };
  }
  if (error instanceof SubjectErasedError) {
    // R23: new personal data about an erased person (their key is shredded) is refused, not a server fault.
    const status = HttpStatus.UNPROCESSABLE_ENTITY;
    return {
      status,
      body: body(status, [
        'R23: this person’s personal data has been erased; nothing more can be recorded about them',
      ]),
    };
  }
  if (error instanceof WrongExpectedRevisionError) {
    const conditional = request?.headers['if-match'] !== undefined;
    const status = conditional ? HttpStatus.PRECONDITION_FAILED : HttpStatus.CONFLICT;
    const actual = error.actual === 'no_stream' ? 'none' : error.actual.toString();
    return {
      status,
      body: body(status, [
        `The record has changed since you read it (its revision is now ${actual}): reload and try again`,
      ]),
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const messages = Array.isArray(raw) ? raw.map(String) : [String(raw ?? error.message)];
    return { status, body: body(status, messages) };
  }
  if (isTransient(error)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: body(HttpStatus.SERVICE_UNAVAILABLE, [
        'The service is briefly unavailable; nothing was saved. Try again shortly.',
      ]),
      retryAfter: 5,
    };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: body(HttpStatus.INTERNAL_SERVER_ERROR, ['Something went wrong on our side; it has been logged.']),
  };
}

function httpReason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    406: 'Not Acceptable',
    409: 'Conflict',
    412: 'Precondition Failed',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return reasons[status] ?? 'Error';
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const { status, body, retryAfter } = toApiError(exception, request);
    if (status >= 500)
      this.logger.error(
        { err: exception, method: request.method, url: request.originalUrl },
        'request failed',
      );
    if (response.headersSent) return;
    if (retryAfter) response.setHeader('Retry-After', String(retryAfter));
    response.status(status).json(body);
  }
}
