/**
 * Who an OpenID Connect user is here. DfE Sign-in puts the user's organisation (with its URN) in the
 * `organisation` claim when the `organisation` scope is asked for; a `roles` (or `role`) claim naming one of
 * our roles wins. A user of a school with no role claim is that school's induction tutor; anyone else is
 * refused, because the AB's staff must be given their role explicitly.
 */
import { ROLES, type Principal, type Role } from '../../auth/principal.js';

export function principalFromClaims(claims: Record<string, unknown>): Principal | null {
  const sub = typeof claims['sub'] === 'string' ? claims['sub'] : null;
  if (!sub) return null;
  const claimedRoles = [claims['roles'], claims['role']]
    .flat()
    .map((value) => (typeof value === 'string' ? value : (value as { code?: unknown } | null)?.code))
    .filter((value): value is string => typeof value === 'string');
  const urn = organisationUrn(claims['organisation']);
  const role: Role | null =
    (claimedRoles.find((r) => (ROLES as readonly string[]).includes(r)) as Role | undefined) ??
    (urn ? 'induction_tutor' : null);
  if (!role || (role === 'induction_tutor' && !urn)) return null;
  const name =
    [claims['given_name'], claims['family_name']].filter((p) => typeof p === 'string' && p).join(' ') ||
    (typeof claims['email'] === 'string' ? claims['email'] : sub);
  return { userId: `oidc:${sub}`, role, schoolUrns: role === 'induction_tutor' ? [urn!] : [], name };
}

function organisationUrn(claim: unknown): string | null {
  let organisation = claim;
  if (typeof organisation === 'string') {
    try {
      organisation = JSON.parse(organisation) as unknown;
    } catch {
      return null;
    }
  }
  const urn = (organisation as { urn?: unknown } | null)?.urn;
  const text = typeof urn === 'number' ? String(urn) : urn;
  return typeof text === 'string' && /^\d{6}$/.test(text) ? text : null;
}
