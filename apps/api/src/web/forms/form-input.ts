/** What every web form does with posted fields: trimmed text, GOV.UK date inputs, HTML-escaped messages. */

/** A posted field as trimmed text ("" when missing or not a string). */
export function formText(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * A GOV.UK date input's three fields (`<name>-day`, `-month`, `-year`) as YYYY-MM-DD: "" when all are empty,
 * "invalid" when a part is not a number of the right length. Whether the date exists is `isRealDate`'s question.
 */
export function readDateInput(body: Record<string, unknown>, name: string): string {
  const [day, month, year] = ['day', 'month', 'year'].map((p) => formText(body[`${name}-${p}`]));
  if (!day && !month && !year) return '';
  if (!/^\d{1,2}$/.test(day!) || !/^\d{1,2}$/.test(month!) || !/^\d{4}$/.test(year!)) return 'invalid';
  return `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
}

/** True for a YYYY-MM-DD that is a day of the calendar (not 31 April, not 29 February 2027). */
export function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Text for an HTML string built outside a template (an error summary's `html`). */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
