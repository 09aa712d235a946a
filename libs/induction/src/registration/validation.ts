/** Input checks shared by the ECT's commands: 400s naming the field (api.md). */
import { isIsoDate } from '../calendar/calendar-date.js';
import type { ContactInput } from '../induction/ect.commands.js';
import { invalid } from '../shared/domain-error.js';

export function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} is required`, field);
}

export function requireDate(value: unknown, field: string): void {
  if (!isIsoDate(value)) throw invalid(`${field} must be a date (YYYY-MM-DD)`, field);
}

export function validateContact(contact: ContactInput | undefined, field: string): void {
  if (!contact) throw invalid(`${field} is required`, field);
  requireText(contact.personId, `${field}.personId`);
  requireText(contact.name, `${field}.name`);
  requireText(contact.email, `${field}.email`);
}

/** A contact's personal fields under their subject id (docs/conventions.md: personal data only here). */
export function contactPersonal(contact: ContactInput) {
  return {
    [contact.personId]: {
      name: contact.name,
      email: contact.email,
      ...(contact.hasQts === undefined ? {} : { hasQts: contact.hasQts }),
    },
  };
}
