import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { MAX_TIMETABLE_PERCENT } from '#induction/entitlements/r22-entitlements.js';
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

/** Every column the queue's page needs: all but the folded ECT `state` (kilobytes a row). */
const PAGE_COLUMNS = {
  ectId: true,
  schoolUrn: true,
  phase: true,
  ectName: true,
  revision: true,
  causes: true,
  timed: true,
  detected: true,
  attendance: true,
  caseRevision: true,
  caseState: true,
} as const;

/**
 * One row per case with `state`, on the date $1: when it opened (the oldest open cause; null when none is
 * open), when it was last resolved, and the cause $4 (null: any) among its open causes. Mirrors
 * `timedEarlyHelpCauses` and `caseStatus`: a cause is open when it arose after the last resolution; a review
 * (R11) or report (R12) not in by its date stands from the day after (the schedule lists them in date order,
 * so the first such is the oldest); the latest timetable from on or before $1 stands over the year's limit
 * (R22: $2 in year 1, $3 from `yearTwoFrom`), since its start or the year's. jsonpath keeps it one pass with
 * no per-row set functions but the stored causes' (a few ms a thousand rows); `timed` is unpacked once per
 * row by jsonb_to_record rather than read by each path.
 */
const QUEUE_SQL = `
  SELECT q.ect_id, q.resolved_on,
         least(q.stored_since, q.review_since, q.report_since, q.timetable_since) AS opened_on,
         CASE $4::text
           WHEN 'review-overdue' THEN q.review_since IS NOT NULL OR q.stored_match
           WHEN 'report-overdue' THEN q.report_since IS NOT NULL OR q.stored_match
           WHEN 'timetable-over-limit' THEN q.timetable_since IS NOT NULL OR q.stored_match
           ELSE q.stored_match END AS cause_match
  FROM (
    SELECT c.ect_id, v.resolved_on,
      (SELECT min(e->>'since' COLLATE "C") FROM jsonb_array_elements(c.causes) e
        WHERE e->>'since' > v.after COLLATE "C") AS stored_since,
      $4::text IS NULL OR jsonb_path_exists(c.causes, '$[*] ? (@.cause == $cause && @.since > $after)', v.vars)
        AS stored_match,
      CASE WHEN v.open THEN to_char((jsonb_path_query_first(tm.schedule,
        '$.reviews[*] ? (@.submitted == false && @.dueBy < $today && @.dueBy >= $after).dueBy', v.vars)
        #>> '{}')::date + 1, 'YYYY-MM-DD') END AS review_since,
      CASE WHEN v.open THEN to_char((jsonb_path_query_first(tm.schedule,
        '$.assessments[*] ? (@.recorded == false && @.reportDueBy < $today && @.reportDueBy >= $after).reportDueBy',
        v.vars) #>> '{}')::date + 1, 'YYYY-MM-DD') END AS report_since,
      CASE WHEN (t.tt->>'percentOfMainPayRangeTimetable')::numeric > CASE WHEN t.two THEN $3 ELSE $2 END::numeric
        AND t.since > v.after COLLATE "C" THEN t.since END AS timetable_since
    FROM early_help_cases c
    CROSS JOIN LATERAL jsonb_to_record(coalesce(c.timed, '{}')) AS tm(open boolean, schedule jsonb, timetables jsonb)
    CROSS JOIN LATERAL (
      SELECT c.case_state->>'resolvedOn' AS resolved_on, coalesce(c.case_state->>'resolvedOn', '') AS after,
             coalesce(tm.open, false) AS open,
             jsonb_build_object('today', $1::text, 'after', coalesce(c.case_state->>'resolvedOn', ''),
                                'cause', coalesce($4::text, '')) AS vars
    ) v
    CROSS JOIN LATERAL (
      SELECT l.tt, y.two,
             CASE WHEN y.two AND l.tt->>'from' < y.from2 COLLATE "C" THEN y.from2 ELSE l.tt->>'from' END AS since
      FROM (SELECT CASE WHEN v.open THEN jsonb_path_query_array(tm.timetables, '$[*] ? (@.from <= $today)',
                                                                v.vars) -> -1 END AS tt) l
      CROSS JOIN LATERAL (
        SELECT tm.schedule->>'yearTwoFrom' AS from2,
               coalesce(tm.schedule->>'yearTwoFrom' <= $1::text COLLATE "C", false) AS two
      ) y
    ) t
    WHERE c.state IS NOT NULL`;

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
   * page and how many there are is decided in SQL against today's date (the same rules as `caseOn`: stored
   * causes, overdue reviews and reports, this year's timetable limit; open when a cause arose after the last
   * resolution), so only the page's rows are read, and never the folded `state` column (issue 9).
   */
  async list(query: ListEarlyHelpQueryDto, view?: ReadView): Promise<Page<EarlyHelpCaseSummary>> {
    const { page, pageSize, skip } = pageBounds(query);
    const manager = view?.manager ?? this.dataSource.manager;
    const today = view?.today ?? this.today();
    const status = query.status ?? 'open';
    const params: unknown[] = [
      today,
      MAX_TIMETABLE_PERCENT[1],
      MAX_TIMETABLE_PERCENT[2],
      query.cause ?? null,
    ];
    const where: string[] = [];
    if (status === 'open') where.push('q.opened_on IS NOT NULL');
    else if (status === 'resolved') where.push('q.opened_on IS NULL AND q.resolved_on IS NOT NULL');
    else where.push('(q.opened_on IS NOT NULL OR q.resolved_on IS NOT NULL)');
    // A cause stands in the list only among the open causes (none when the case is not open).
    if (query.cause) where.push('q.opened_on IS NOT NULL AND q.cause_match');
    let schoolFilter = '';
    if (query.schoolUrn) {
      params.push(query.schoolUrn);
      schoolFilter = `AND c.school_urn = $${params.length}`;
    }
    // Without a cause, the fence (OFFSET 0) evaluates each case's jsonpaths once (inlined, the planner computed
    // them in both the filter and the sort key); with one, inlining lets the cheap cause test drop most cases
    // first. The materialised CTE keeps only (id, key), so the total and the page are read from it rather than
    // a window buffering every open case to disk (national: 1.1-1.5 s → 0.5-0.7 s). One row even past the end.
    const fence = query.cause ? '' : 'OFFSET 0';
    const found = (await manager.query(
      `WITH q AS MATERIALIZED (
         SELECT q.ect_id, coalesce(q.opened_on, q.resolved_on, '') AS sort_key
         FROM (${QUEUE_SQL} ${schoolFilter} ${fence}) q) q WHERE ${where.join(' AND ')})
       SELECT t.total, p.ect_id FROM (SELECT count(*)::int AS total FROM q) t
       LEFT JOIN LATERAL (
         SELECT q.ect_id, q.sort_key FROM q ORDER BY q.sort_key COLLATE "C", q.ect_id
         LIMIT $${params.length + 1} OFFSET $${params.length + 2}) p ON true
       ORDER BY p.sort_key COLLATE "C", p.ect_id`,
      [...params, pageSize, skip],
    )) as { ect_id: string | null; total: number }[];
    const total = found[0]?.total ?? 0;
    const ids = found.flatMap((r) => (r.ect_id === null ? [] : [r.ect_id]));
    const rows =
      ids.length === 0
        ? []
        : await manager.getRepository(EarlyHelpCaseEntity).find({
            select: PAGE_COLUMNS,
            where: { ectId: In(ids) },
          });
    const byId = new Map(rows.map((row) => [row.ectId, row]));
    const items = ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      const { causes: _c, actions: _a, inductionPhase: _p, ...summary } = this.detail(row, today);
      return [summary];
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
