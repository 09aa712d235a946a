/**
 * How the pages write things (GOV.UK style): dates as "4 June 2026" in England's calendar, statuses as tags.
 * Calendar dates (YYYY-MM-DD) are days, not instants: they are written as they are, never shifted by a zone.
 */
const dayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const londonDayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const londonTimeFormat = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});

/** "2026-06-04" → "4 June 2026"; an ISO instant → its date in Europe/London; anything else as given. */
export function govukDate(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return dayFormat.format(new Date(`${value}T00:00:00Z`));
  }
  const instant = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(instant.getTime()) ? String(value) : londonDayFormat.format(instant);
}

/** An instant as "4 June 2026 at 9:05am" (Europe/London). */
export function govukDateTime(value: unknown): string {
  const instant = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(instant.getTime())) return '';
  return `${londonDayFormat.format(instant)} at ${londonTimeFormat.format(instant).replace(' ', '').toLowerCase()}`;
}

const STATUS_TAGS: Record<string, { text: string; colour: string }> = {
  registered: { text: 'Registered', colour: 'blue' },
  'in-progress': { text: 'In progress', colour: 'green' },
  paused: { text: 'Paused', colour: 'grey' },
  'awaiting-decision': { text: 'Awaiting decision', colour: 'yellow' },
  extended: { text: 'Extended', colour: 'orange' },
  passed: { text: 'Passed', colour: 'turquoise' },
  failed: { text: 'Failed', colour: 'red' },
  released: { text: 'Released', colour: 'grey' },
};

/** Arguments for govukTag: `{{ govukTag(status | statusTag) }}`. */
export function statusTag(status: unknown): { text: string; classes: string } {
  const tag = STATUS_TAGS[String(status)] ?? { text: String(status ?? 'Unknown'), colour: 'grey' };
  return { text: tag.text, classes: `govuk-tag--${tag.colour}` };
}

export const ROLE_NAMES: Record<string, string> = {
  hub_staff: 'Hub staff',
  panel_member: 'Panel member',
  induction_tutor: 'Induction tutor',
  moderator: 'Moderator',
};

const DUE_KINDS: Record<string, string> = {
  'progress-review': 'Progress review',
  'formal-assessment': 'Formal assessment',
  decision: 'AB decision',
  notification: 'Notification',
};

export function dueKind(kind: unknown): string {
  return DUE_KINDS[String(kind)] ?? String(kind);
}

const PROGRAMMES: Record<string, string> = { 'provider-led': 'Provider-led', 'school-led': 'School-led' };
export function programmeName(value: unknown): string {
  return PROGRAMMES[String(value)] ?? String(value ?? '');
}
