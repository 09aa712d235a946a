import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { EctEntity, type EctRow } from '#read-models/ects/ect-register.projection.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { CLOCK } from '../domain/clock.token.js';
import { LEDGER_DOMAIN, type LedgerDomain } from '../domain/ledger-domain.js';
import { canSeeSchool, schoolScope, type Principal } from '../auth/principal.js';
import { pageBounds, type Page } from '../http/pagination.js';
import type { EctStatus } from './ect-status.js';
import type { ListEctsQueryDto } from './list-ects/list-ects.query.dto.js';
import type { ReadView } from '../audit/as-at-replays.js';
import { SummaryCache } from './summary-cache.js';
import { CheckpointedCounts, readModelVersionSql } from '../http/checkpointed-counts.js';
import { AssessmentAccessLog } from '../audit/assessment-access-log.js';
import type { Request } from 'express';

export interface EctView {
  id: string;
  trn: string | null;
  firstName: string | null;
  lastName: string | null;
  schoolUrn: string | null;
  cohort: string | null;
  lateRegistration: boolean;
  revision: number;
  [field: string]: unknown;
}

/** A register row as the reads need it: the state as its stored text (parsed only when not summarised yet). */
type StoredEctRow = Pick<
  EctRow,
  'id' | 'schoolUrn' | 'phase' | 'cohort' | 'firstName' | 'lastName' | 'trn' | 'lateRegistration' | 'revision'
> & { state: string };

const STORED_ROW_COLUMNS: [string, string][] = [
  ['e.id', 'id'],
  ['e.school_urn', 'schoolUrn'],
  ['e.phase', 'phase'],
  ['e.cohort', 'cohort'],
  ['e.first_name', 'firstName'],
  ['e.last_name', 'lastName'],
  ['e.trn', 'trn'],
  ['e.late_registration', 'lateRegistration'],
  ['e.revision::text', 'revision'],
  ['e.state::text', 'state'],
];
const STORED_ROW_SQL = STORED_ROW_COLUMNS.map(([expr, alias]) => `${expr} AS "${alias}"`).join(', ');

/**
 * Reads of the ECT register. Anything that depends on today (terms served, status, what is due) is computed
 * here by the domain's `summariseInduction` from the stored state, never inside the projection; summaries
 * are kept per (state, date, calendar) by `SummaryCache`.
 */
@Injectable()
export class EctQueries {
  private readonly summaries: SummaryCache;
  private readonly counts = new CheckpointedCounts();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly access: AssessmentAccessLog,
  ) {
    this.summaries = new SummaryCache(domain);
  }

  /** 404 both when the ECT does not exist and when it is outside the principal's schools (no probing). */
  async get(principal: Principal, id: string): Promise<EctView> {
    const [row] = (await this.dataSource.query(`SELECT ${STORED_ROW_SQL} FROM ects e WHERE e.id = $1`, [
      id,
    ])) as StoredEctRow[];
    if (!row || row.phase === 'unregistered' || !row.schoolUrn || !canSeeSchool(principal, row.schoolUrn)) {
      throw new NotFoundException([`No ECT with id ${id}`]);
    }
    return this.view(row);
  }

  /**
   * `get`, with R23's entry for the read (`ect-record`) written in the same statement: only when the ECT is
   * visible to the principal (the same rule as `get`'s 404), so a refused read logs nothing.
   */
  async getRecorded(principal: Principal, id: string, request: Request): Promise<EctView> {
    const [row] = await this.access.readAndRecord<StoredEctRow>(principal, 'ect-record', request, {
      sql: `SELECT ${STORED_ROW_SQL} FROM ects e WHERE e.id = $1`,
      params: [id, schoolScope(principal) ?? null],
      logged: `r.phase <> 'unregistered' AND r."schoolUrn" <> ''
               AND ($2::text[] IS NULL OR r."schoolUrn" = ANY($2::text[]))`,
    });
    if (!row || row.phase === 'unregistered' || !row.schoolUrn || !canSeeSchool(principal, row.schoolUrn)) {
      throw new NotFoundException([`No ECT with id ${id}`]);
    }
    return this.view(row);
  }

  /** `view`: the live register and today, or an as-at replay's (the same query either way). */
  async list(principal: Principal, query: ListEctsQueryDto, view?: ReadView): Promise<Page<EctView>> {
    const { page, pageSize, skip } = pageBounds(query);
    const manager = view?.manager ?? this.dataSource.manager;
    const today = view?.today ?? londonDate(this.clock.now());
    const qb = manager.getRepository(EctEntity).createQueryBuilder('e').where("e.phase <> 'unregistered'");
    const scope = schoolScope(principal);
    if (scope) qb.andWhere('e.school_urn = ANY(:scope)', { scope });
    if (query.schoolUrn) qb.andWhere('e.school_urn = :schoolUrn', { schoolUrn: query.schoolUrn });
    if (query.cohort) qb.andWhere('e.cohort = :cohort', { cohort: query.cohort });
    if (query.status) this.whereStatus(qb, query.status, today);
    const counting = qb.clone();
    // Live reads also name the register's version, so the total can be kept for it (CheckpointedCounts). Live
    // reads come with a view too (the controller's `asAt.read` passes the live one): `view ? …` kept nothing,
    // and every GET /ects counted the register (29 ms at national scale, the bench's GET /ects p50).
    const version = manager === this.dataSource.manager ? readModelVersionSql('ect-register') : null;
    // The page's ids first (index only), then their rows: PostgreSQL computes a row's columns, the state's
    // text included, for every row it reads, skipped ones too, so OFFSET 1,225 cost 216 ms at national
    // scale selecting the rows themselves and 13 ms this way.
    const [pageSql, parameters] = qb
      .select('e.id', 'id')
      .orderBy('e.last_name', 'ASC', 'NULLS LAST')
      .addOrderBy('e.first_name', 'ASC', 'NULLS LAST')
      .addOrderBy('e.id', 'ASC')
      .offset(skip)
      .limit(pageSize)
      .getQueryAndParameters();
    const rows = (await manager.query(
      `SELECT ${STORED_ROW_SQL}${version ? `, ${version} AS "readModelVersion"` : ''}
         FROM ects e JOIN (${pageSql}) page ON page.id = e.id
        ORDER BY e.last_name ASC NULLS LAST, e.first_name ASC NULLS LAST, e.id ASC`,
      parameters,
    )) as (StoredEctRow & { readModelVersion?: string | null })[];
    const filter = JSON.stringify([scope ?? null, query.schoolUrn, query.cohort, query.status, today]);
    let total = version ? this.counts.get(filter, rows[0]?.readModelVersion) : undefined;
    if (total === undefined) {
      // count(*), not getManyAndCount's COUNT(DISTINCT e.id) (one row an ECT; national 134 → 28 ms).
      counting.select('count(*)::int', 'total');
      if (version) counting.addSelect(version, 'readModelVersion');
      const counted = await counting.getRawOne<{ total: number; readModelVersion?: string | null }>();
      total = counted?.total ?? 0;
      if (version) this.counts.set(filter, counted?.readModelVersion, total);
    }
    return { items: rows.map((row) => this.view(row, today)), page, pageSize, total };
  }

  /** The same status the domain's summary gives, written as SQL over the time-independent columns. */
  private whereStatus(qb: SelectQueryBuilder<EctRow>, status: EctStatus, today: string): void {
    const open = "e.phase = 'open'";
    switch (status) {
      case 'registered':
        qb.andWhere(`${open} AND NOT e.paused AND e.start_date > :today`, { today });
        break;
      case 'paused':
        qb.andWhere(`${open} AND e.paused`);
        break;
      case 'extended':
        qb.andWhere(`${open} AND NOT e.paused AND e.extended AND e.start_date <= :today`, { today });
        break;
      case 'in-progress':
        qb.andWhere(`${open} AND NOT e.paused AND NOT e.extended AND e.start_date <= :today`, { today });
        break;
      default:
        qb.andWhere('e.phase = :status', { status });
    }
  }

  private view(row: StoredEctRow, today = londonDate(this.clock.now())): EctView {
    const summary = this.summaries.summarise(row.state, today);
    return {
      ...summary,
      id: row.id,
      trn: row.trn,
      firstName: row.firstName,
      lastName: row.lastName,
      schoolUrn: row.schoolUrn,
      cohort: row.cohort,
      lateRegistration: row.lateRegistration,
      revision: Number(row.revision),
    };
  }
}
