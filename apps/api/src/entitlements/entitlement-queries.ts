import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  EntitlementEntity,
  type EntitlementRow,
  type EntitlementStatus,
  entitlementsOn,
} from '#read-models/entitlements/entitlement-view.projection.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { CLOCK } from '../domain/clock.token.js';
import { schoolScope, type Principal } from '../auth/principal.js';
import { pageBounds, type Page } from '../http/pagination.js';
import type { ListEntitlementsQueryDto } from './list-entitlements.query.dto.js';
import type { ReadView } from '../audit/as-at-replays.js';

export interface EctEntitlements {
  ectId: string;
  schoolUrn: string | null;
  phase: string;
  /** Every check met (none not met or unknown). */
  allMet: boolean;
  notMet: number;
  unknown: number;
  checks: EntitlementStatus[];
}

export interface SchoolEntitlements {
  schoolUrn: string;
  ects: number;
  ectsWithAllMet: number;
  byEntitlement: Record<string, { met: number; notMet: number; unknown: number }>;
}

/**
 * R22 statutory entitlements per ECT and per school. The projection keeps what events decide; what depends on
 * today (an overdue review, this year's timetable limit) is decided here against the injected clock.
 */
/** The entitlement view's columns `entitlementsOn` reads (all but `state`). */
const ROW_COLUMNS = [
  'ectId',
  'schoolUrn',
  'phase',
  'revision',
  'checks',
  'reviews',
  'lastReview',
  'registered',
  'yearTwoFrom',
  'timetables',
  'updatedAt',
] as const;

@Injectable()
export class EntitlementQueries {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  today(): string {
    return londonDate(this.clock.now());
  }

  private live(): ReadView {
    return { manager: this.dataSource.manager, today: this.today() };
  }

  /**
   * `manager` may have its search_path on an as-at replay's schema (audit). Never the folded ECT `state`
   * (kilobytes a row, unused by `entitlementsOn`); `page`: only those rows, and the total by a COUNT (issue 9).
   */
  async rows(
    principal: Principal,
    query: ListEntitlementsQueryDto,
    manager: EntityManager = this.dataSource.manager,
    page?: { skip: number; take: number },
  ): Promise<{ rows: EntitlementRow[]; total: number }> {
    const qb = manager
      .getRepository(EntitlementEntity)
      .createQueryBuilder('e')
      .select(ROW_COLUMNS.map((column) => `e.${column}`))
      .where("e.phase IN ('open', 'awaiting-decision')");
    const scope = schoolScope(principal);
    if (scope) qb.andWhere('e.school_urn = ANY(:scope)', { scope });
    if (query.schoolUrn) qb.andWhere('e.school_urn = :schoolUrn', { schoolUrn: query.schoolUrn });
    qb.orderBy('e.school_urn', 'ASC').addOrderBy('e.ect_id', 'ASC');
    if (!page) {
      const rows = await qb.getMany();
      return { rows, total: rows.length };
    }
    const [rows, total] = await qb.skip(page.skip).take(page.take).getManyAndCount();
    return { rows, total };
  }

  evaluate(
    rows: readonly EntitlementRow[],
    query: ListEntitlementsQueryDto,
    today: string,
  ): EctEntitlements[] {
    const all = rows.map((row) => {
      const checks = entitlementsOn(row, today);
      const notMet = checks.filter((c) => c.status === 'not-met').length;
      const unknown = checks.filter((c) => c.status === 'unknown').length;
      return {
        ectId: row.ectId,
        schoolUrn: row.schoolUrn,
        phase: row.phase,
        allMet: notMet + unknown === 0,
        notMet,
        unknown,
        checks,
      };
    });
    return all.filter((e) => {
      if (!query.entitlement && !query.status) return true;
      return e.checks.some(
        (c) =>
          (!query.entitlement || c.entitlement === query.entitlement) &&
          (!query.status || c.status === query.status),
      );
    });
  }

  /** `view`: the live tables and today, or an as-at replay's (the same query either way). */
  async list(
    principal: Principal,
    query: ListEntitlementsQueryDto,
    view: ReadView = this.live(),
  ): Promise<Page<EctEntitlements>> {
    const { page, pageSize, skip } = pageBounds(query);
    if (!query.entitlement && !query.status) {
      // Every row is in the list: page in SQL, evaluate only the page.
      const found = await this.rows(principal, query, view.manager, { skip, take: pageSize });
      return { items: this.evaluate(found.rows, query, view.today), page, pageSize, total: found.total };
    }
    const all = this.evaluate((await this.rows(principal, query, view.manager)).rows, query, view.today);
    return { items: all.slice(skip, skip + pageSize), page, pageSize, total: all.length };
  }

  async bySchool(
    principal: Principal,
    query: ListEntitlementsQueryDto,
    view: ReadView = this.live(),
  ): Promise<Page<SchoolEntitlements>> {
    const { page, pageSize, skip } = pageBounds(query);
    const schools = summariseBySchool(
      this.evaluate((await this.rows(principal, query, view.manager)).rows, {}, view.today),
    );
    return { items: schools.slice(skip, skip + pageSize), page, pageSize, total: schools.length };
  }
}

export function summariseBySchool(ects: readonly EctEntitlements[]): SchoolEntitlements[] {
  const schools = new Map<string, SchoolEntitlements>();
  for (const ect of ects) {
    const urn = ect.schoolUrn ?? '';
    const school = schools.get(urn) ?? { schoolUrn: urn, ects: 0, ectsWithAllMet: 0, byEntitlement: {} };
    school.ects += 1;
    if (ect.allMet) school.ectsWithAllMet += 1;
    for (const check of ect.checks) {
      const counts = (school.byEntitlement[check.entitlement] ??= { met: 0, notMet: 0, unknown: 0 });
      if (check.status === 'met') counts.met += 1;
      else if (check.status === 'not-met') counts.notMet += 1;
      else counts.unknown += 1;
    }
    schools.set(urn, school);
  }
  return [...schools.values()].sort((a, b) => a.schoolUrn.localeCompare(b.schoolUrn));
}
