import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, MoreThanOrEqual } from 'typeorm';
import {
  PanelCaseEntity,
  PanelCaseRecordEntity,
  PanelMeetingEntity,
  type PanelCaseRecordRow,
  type PanelCaseRow,
  type PanelMeetingRow,
} from '#read-models/panel/panel-cases.projection.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { CLOCK } from '../domain/clock.token.js';
import { pageBounds, type Page, type PageQueryDto } from '../http/pagination.js';
import { parseEctId } from '../ects/shared/ect-id.js';
import type { ListPanelCasesQueryDto } from './list-panel-cases.query.dto.js';
import type { ReadView } from '../audit/as-at-replays.js';

export interface PanelCase extends PanelCaseRow {
  firstName: string | null;
  lastName: string | null;
  /** R16: the decision is due and not yet made (decided at query time against today). */
  overdue: boolean;
}
export interface PanelCaseFile {
  case: PanelCase;
  earlierCases: PanelCaseRow[];
  records: PanelCaseRecordRow[];
}

/** The API's filters, and the web page's own: a decided case whose notifications or appeal window remain. */
export type PanelCasesFilter = ListPanelCasesQueryDto & { outstanding?: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The panel's cases and meetings. Panel members and hub staff work across the AB (the routes allow no other
 * role), so there is no school scope here; the ECT's name comes from the register at query time.
 */
@Injectable()
export class PanelQueries {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  today(): string {
    return londonDate(this.clock.now());
  }

  /** `view`: the live cases and today, or an as-at replay's (names always from the live register). */
  async cases(query: PanelCasesFilter, view?: ReadView): Promise<Page<PanelCase>> {
    const { page, pageSize, skip } = pageBounds(query);
    const today = view?.today ?? this.today();
    const qb = (view?.manager ?? this.dataSource.manager)
      .getRepository(PanelCaseEntity)
      .createQueryBuilder('c')
      .leftJoin('ects', 'e', 'e.id = c.ect_id')
      .addSelect(['e.first_name AS first_name', 'e.last_name AS last_name']);
    const status = query.status ?? 'awaiting-decision';
    if (status !== 'all') qb.andWhere('c.status = :status', { status });
    if (query.schoolUrn) qb.andWhere('c.school_urn = :schoolUrn', { schoolUrn: query.schoolUrn });
    if (query.dueBy) qb.andWhere('c.decision_due_by <= :dueBy', { dueBy: query.dueBy });
    if (query.recommendation)
      qb.andWhere('c.recommendation = :recommendation', { recommendation: query.recommendation });
    if (query.overdue === 'true')
      qb.andWhere("c.status = 'awaiting-decision' AND c.decision_due_by < :today", { today });
    if (query.overdue === 'false')
      qb.andWhere("NOT (c.status = 'awaiting-decision' AND c.decision_due_by < :today)", { today });
    // R17/R18 still to watch: not every recipient told yet (ECT, head, employer), or an appeal window.
    if (query.outstanding) qb.andWhere('(jsonb_array_length(c.notified) < 3 OR c.appeal_by IS NOT NULL)');
    const total = await qb.getCount();
    const { entities, raw } = await qb
      .orderBy('c.decision_due_by', 'ASC')
      .addOrderBy('c.ect_id', 'ASC')
      .addOrderBy('c.round', 'ASC')
      .offset(skip)
      .limit(pageSize)
      .getRawAndEntities();
    const items = entities.map((row, i) => this.withName(row, raw[i] as Record<string, unknown>, today));
    return { items, page, pageSize, total };
  }

  /** The ECT's latest case with everything the panel reads: reviews, assessments, recommendation, representations. */
  async caseFile(rawId: string): Promise<PanelCaseFile> {
    const ectId = parseEctId(rawId);
    const rows = await this.dataSource
      .getRepository(PanelCaseEntity)
      .createQueryBuilder('c')
      .leftJoin('ects', 'e', 'e.id = c.ect_id')
      .addSelect(['e.first_name AS first_name', 'e.last_name AS last_name'])
      .where('c.ect_id = :ectId', { ectId })
      .orderBy('c.round', 'DESC')
      .getRawAndEntities();
    if (rows.entities.length === 0) throw new NotFoundException([`No panel case for ECT ${ectId}`]);
    const records = await this.dataSource.getRepository(PanelCaseRecordEntity).find({
      where: { ectId },
      order: { streamRevision: 'ASC' },
    });
    return {
      case: this.withName(rows.entities[0]!, rows.raw[0] as Record<string, unknown>, this.today()),
      earlierCases: rows.entities.slice(1),
      records,
    };
  }

  /** Newest first; `heldFrom`: only meetings held on or after that date (a case's picker). */
  async meetings(query: PageQueryDto, heldFrom?: string): Promise<Page<PanelMeetingRow>> {
    const { page, pageSize, skip } = pageBounds(query);
    const [items, total] = await this.dataSource.getRepository(PanelMeetingEntity).findAndCount({
      ...(heldFrom ? { where: { heldOn: MoreThanOrEqual(heldFrom) } } : {}),
      order: { heldOn: 'DESC', meetingId: 'ASC' },
      skip,
      take: pageSize,
    });
    return { items, page, pageSize, total };
  }

  async meeting(id: string): Promise<PanelMeetingRow> {
    const row = UUID.test(id)
      ? await this.dataSource.getRepository(PanelMeetingEntity).findOneBy({ meetingId: id.toLowerCase() })
      : null;
    if (!row) throw new NotFoundException([`No panel meeting with id ${id}`]);
    return row;
  }

  private withName(row: PanelCaseRow, raw: Record<string, unknown>, today: string): PanelCase {
    return {
      ...row,
      firstName: (raw['first_name'] as string | null) ?? null,
      lastName: (raw['last_name'] as string | null) ?? null,
      overdue: row.status === 'awaiting-decision' && row.decisionDueBy < today,
    };
  }
}
