/** What the question flows about one ECT share: the scope check (404 outside the user's schools) and the caption. */
import { NotFoundException } from '@nestjs/common';
import type { Principal } from '../../auth/principal.js';
import type { WebServices } from '../web-services.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ECT's name, or 404 when the id is malformed, unknown or another school's (EctQueries decides). */
export async function ectNameFor(services: WebServices, principal: Principal, id: string): Promise<string> {
  if (!UUID.test(id)) throw new NotFoundException();
  const ect = await services.ects.get(principal, id.toLowerCase());
  return [ect.firstName, ect.lastName].filter(Boolean).join(' ') || 'Name erased';
}

/** `load` for a flow: the scope check, and "<what> for <name>" as the caption of every page. */
export function ectCaption(services: WebServices, what: string) {
  return async (principal: Principal, id: string) => ({
    caption: `${what} for ${await ectNameFor(services, principal, id)}`,
  });
}

export const optionalText = (max: number, tooLong: string) => (value: string) =>
  value.length > max ? tooLong : null;

/** A date that is on or after another answer's date (both YYYY-MM-DD), else the message. */
export const notBefore =
  (other: string, message: string) => (value: string, answers: Record<string, string>) =>
    /^\d{4}-\d{2}-\d{2}$/.test(answers[other] ?? '') && value < answers[other]! ? message : null;
