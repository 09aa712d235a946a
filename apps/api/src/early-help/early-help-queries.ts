import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseAction } from '#induction/early-help/early-help-case.decider.js';
import {
  caseOn,
  EarlyHelpCaseEntity,
  type EarlyHelpCaseRow,
  type StoredCause,
} from '#read-models/early-help/early-help-queue.projection.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { CLOCK } from '../domain/clock.token.js';
import { pageBounds, type Page } from '../http/pagination.js';
import { parseEctId } from '../ects/shared/ect-id.js';
import type { ListEarlyHelpQueryDto } from './list-early-help.query.dto.js';
import type { ReadView } from '../audit/as-at-replays.js';

export interface EarlyHelpCaseSummary {
  /** The case's id is its ECT's id (stream `early-help-<ectId>`). */
  caseId: string;
  ectId: string;
  ectName: string | null;
  schoolUrn: string | null;
  status: 'open' | 'resolved' | 'none';
  openedOn: string | null;
  dueBy: string | null;
  overdue: boolean;
  ownerId: string | null;
  /** Causes that keep the case open, each with its rule, since when and the event that raised it. */
  openCauses: StoredCause[];
  lastAction: CaseAction | null;
  resolvedOn: string | null;
  resolution: string | null;
}
export interface EarlyHelpCaseDetail extends EarlyHelpCaseSummary {
  /** Every cause standing today, including those that arose before the last resolution. */
  causes: StoredCause[];
  actions: CaseAction[];
  inductionPhase: string;
}

/** Every column the queue's page needs, as `EarlyHelpCaseRow`'s fields: all but the folded ECT `state`. */
const PAGE_COLUMNS = `c.ect_id AS "ectId", c.school_urn AS "schoolUrn", c.phase, c.ect_name AS "ectName",
  c.revision::text AS revision, c.causes, c.timed, c.detected, c.attendance,
  c.case_revision::text AS "caseRevision", c.case_state AS "caseState"`;

/** The hub's early-help queue: open is decided on today's date (the clock), never stored. */
@Injectable()
export class EarlyHelpQueries {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  today(): string {
    return londonDate(this.clock.now());
  }

  detail(row: EarlyHelpCaseRow, today: string): EarlyHelpCaseDetail {
    const view = caseOn(row, today);
    const c = row.caseState;
    return {
      caseId: row.ectId,
      ectId: row.ectId,
      ectName: row.ectName,
      schoolUrn: row.schoolUrn,
      status: view.status,
      openedOn: view.openedOn,
      dueBy: view.dueBy,
      overdue: view.dueBy !== null && view.dueBy < today,
      ownerId: c.ownerId,
      openCauses: view.openCauses,
      lastAction: c.actions.at(-1) ?? null,
      resolvedOn: c.resolvedOn,
      resolution: c.resolution,
      causes: view.causes,
      actions: [...c.actions],
      inductionPhase: row.phase,
    };
  }

  /**
   * `view`: the live queue and today, or an as-at replay's (the same query either way). Which cases are on the
   * page and how many there are is read from the projection's spans (`caseSpans`: what `caseOn` says, stored
   * per span of dates), so a page is an index range scan in key order whatever the date, the count a range
   * scan, and only the page's case rows are read, never the folded `state` column (issue 9).
   */
  async list(query: ListEarlyHelpQueryDto, view?: ReadView): Promise<Page<EarlyHelpCaseSummary>> {
    const { page, pageSize, skip } = pageBounds(query);
    const manager = view?.manager ?? this.dataSource.manager;
    const today = view?.today ?? this.today();
    const status = query.status ?? 'open';
    // 'all': open or resolved, every span stored (a case on a date with neither has no span).
    const statuses = status === 'all' ? ['open', 'resolved'] : [status];
    const params: unknown[] = [today];
    const where = ['s.valid_from <= $1::date', 's.valid_to > $1::date'];
    // A cause stands in the list only among the open causes (a resolved span lists none).
    if (query.cause) where.push(`s.cause_kinds @> ARRAY[$${params.push(query.cause)}]::text[]`);
    if (query.schoolUrn) where.push(`s.school_urn = $${params.push(query.schoolUrn)}`);
    // The total: without a school, the sum of the span-count deltas up to today (a few hundred rows, whatever
    // the number of cases); with one, the school's spans (a few dozen).
    const [{ total }] = (await manager.query(
      query.schoolUrn
        ? `SELECT count(*)::int AS total FROM early_help_spans s
            WHERE s.status = ANY($${params.length + 1}::text[]) AND ${where.join(' AND ')}`
        : `SELECT coalesce(sum(n.delta), 0)::int AS total FROM early_help_span_counts n
            WHERE n.day <= $1::date AND n.status = ANY($2::text[]) AND n.cause = $3`,
      query.schoolUrn ? [...params, statuses] : [today, statuses, query.cause ?? ''],
    )) as [{ total: number }];
    // The page: each status's spans in key order (an index-only range scan on `early_help_spans_page` that stops
    // at the page's end), merged.
    const pageParams = [...params];
    const limit = pageParams.push(skip + pageSize);
    const branches = statuses.map(
      (one) => `(SELECT s.ect_id, s.sort_key FROM early_help_spans s
          WHERE s.status = $${pageParams.push(one)} AND ${where.join(' AND ')}
          ORDER BY s.sort_key, s.ect_id LIMIT $${limit})`,
    );
    // The page's case rows in the same statement (one round trip; never the folded `state`, kilobytes a row).
    const rows =
      skip >= total
        ? []
        : ((await manager.query(
            `SELECT ${PAGE_COLUMNS}
               FROM (SELECT u.ect_id, u.sort_key FROM (${branches.join(' UNION ALL ')}) u
                      ORDER BY u.sort_key, u.ect_id
                      LIMIT $${pageParams.push(pageSize)} OFFSET $${pageParams.push(skip)}) p
               JOIN early_help_cases c ON c.ect_id = p.ect_id
              ORDER BY p.sort_key, p.ect_id`,
            pageParams,
          )) as EarlyHelpCaseRow[]);
    const items = rows.map((row) => {
      const { causes: _c, actions: _a, inductionPhase: _p, ...summary } = this.detail(row, today);
      return summary;
    });
    return { items, page, pageSize, total };
  }

  async get(rawId: string): Promise<EarlyHelpCaseDetail> {
    const ectId = parseEctId(rawId);
    const row = await this.dataSource.getRepository(EarlyHelpCaseEntity).findOne({ where: { ectId } });
    if (!row || row.state === null) throw new NotFoundException([`No early-help case for ECT ${ectId}`]);
    return this.detail(row, this.today());
  }
}
