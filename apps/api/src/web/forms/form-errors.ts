/** GOV.UK error pattern: one message per field, shown in the error summary and inline, in the same words. */
export type FieldErrors = Record<string, string>;

export interface ErrorSummaryItem {
  text: string;
  href: string;
}

/** Error summary links go to the field's input; a date links to its first (day) input. */
export function errorSummary(errors: FieldErrors, dateFields: readonly string[] = []): ErrorSummaryItem[] {
  return Object.entries(errors).map(([field, text]) => ({
    text,
    href: `#${dateFields.includes(field) ? `${field}-day` : field}`,
  }));
}

/** The text of an error the command bus threw, for a form's error summary (DomainError, HttpException). */
export function commandErrorMessages(error: unknown): string[] | null {
  const response = (error as { getResponse?: () => unknown }).getResponse?.();
  if (response !== undefined) {
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    return Array.isArray(raw) ? raw.map(String) : [String(raw)];
  }
  if ((error as { name?: unknown })?.name === 'DomainError') return [(error as Error).message];
  if ((error as { name?: unknown })?.name === 'WrongExpectedRevisionError') {
    return ['Someone else changed this record while you were working on it. Check it and try again.'];
  }
  return null;
}
