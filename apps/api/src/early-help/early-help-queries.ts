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

  /** `view`: the live queue and today, or an as-at replay's (the same query either way). */
  async list(query: ListEarlyHelpQueryDto, view?: ReadView): Promise<Page<EarlyHelpCaseSummary>> {
    const { page, pageSize, skip } = pageBounds(query);
    const qb = (view?.manager ?? this.dataSource.manager)
      .getRepository(EarlyHelpCaseEntity)
      .createQueryBuilder('c')
      .where('c.state IS NOT NULL');
    if (query.schoolUrn) qb.andWhere('c.school_urn = :schoolUrn', { schoolUrn: query.schoolUrn });
    const today = view?.today ?? this.today();
    const status = query.status ?? 'open';
    const all = (await qb.getMany())
      .map((row) => this.detail(row, today))
      .filter((c) => (status === 'all' ? c.status !== 'none' : c.status === status))
      .filter((c) => !query.cause || c.openCauses.some((cause) => cause.cause === query.cause))
      .sort(
        (a, b) =>
          (a.openedOn ?? a.resolvedOn ?? '').localeCompare(b.openedOn ?? b.resolvedOn ?? '') ||
          a.ectId.localeCompare(b.ectId),
      )
      .map(({ causes: _c, actions: _a, inductionPhase: _p, ...summary }) => summary);
    return { items: all.slice(skip, skip + pageSize), page, pageSize, total: all.length };
  }

  async get(rawId: string): Promise<EarlyHelpCaseDetail> {
    const ectId = parseEctId(rawId);
    const row = await this.dataSource.getRepository(EarlyHelpCaseEntity).findOne({ where: { ectId } });
    if (!row || row.state === null) throw new NotFoundException([`No early-help case for ECT ${ectId}`]);
    return this.detail(row, this.today());
  }
}
