/**
 * Personal survey links. The token is an HMAC of the invitation id under the service's secret, so the link
 * can be sent again in a reminder without being stored; the survey stream keeps only its SHA-256 hash.
 */
import { createHash, createHmac } from 'node:crypto';

export const surveyToken = (secret: string, invitationId: string): string =>
  createHmac('sha256', secret).update(`annual-survey-link|${invitationId}`).digest('base64url');

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The public page a respondent opens; it works without an account until the invitation expires. */
export const surveyLinkPath = (token: string): string => `/survey/${token}`;

export const invitationIdOf = (year: number, schoolUrn: string, role: string): string =>
  `${year}-${schoolUrn}-${role}`;
