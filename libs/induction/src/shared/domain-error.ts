/**
 * Typed domain errors. The API maps each kind to its status (shared/design/api.md):
 * invalid -> 400, not-found -> 404, conflict -> 409 (duplicate), statutory -> 422 (message names the rule),
 * forbidden -> 403.
 */
export type DomainErrorKind = 'invalid' | 'not-found' | 'conflict' | 'statutory' | 'forbidden';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    /** Rule id from domain.md (e.g. 'R16') when a statutory rule forbids the command. */
    readonly rule: string | null,
    message: string,
    /** Field the message is about, for 400 responses. */
    readonly field?: string,
  ) {
    super(rule ? `${rule}: ${message}` : message);
  }
}

export const statutory = (rule: string, message: string, field?: string) =>
  new DomainError('statutory', rule, message, field);
export const invalid = (message: string, field?: string, rule: string | null = null) =>
  new DomainError('invalid', rule, message, field);
export const conflict = (message: string, rule: string | null = null) =>
  new DomainError('conflict', rule, message);
export const notFound = (message: string) => new DomainError('not-found', null, message);
