/** Who is asking, and which schools they may see (architecture.md, "Security"). */
export const ROLES = ['hub_staff', 'panel_member', 'induction_tutor', 'moderator'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  userId: string;
  role: Role;
  /** Induction tutors see only these schools' ECTs; other roles work across the AB and have none. */
  schoolUrns: string[];
  name: string;
}

/** Induction tutors are scoped to their own schools; the AB's own staff see every school. */
export function canSeeSchool(principal: Principal, schoolUrn: string): boolean {
  return principal.role !== 'induction_tutor' || principal.schoolUrns.includes(schoolUrn);
}

/** The schools a list query may return for this principal (undefined: all). */
export function schoolScope(principal: Principal): string[] | undefined {
  return principal.role === 'induction_tutor' ? principal.schoolUrns : undefined;
}
