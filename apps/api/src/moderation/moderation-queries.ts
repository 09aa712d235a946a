import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import {
  ModerationFormEntity,
  type ModerationFormRow,
} from '#read-models/moderation/moderation-sample.projection.js';
import { pageBounds, type Page } from '../http/pagination.js';
import { CheckpointedCounts, readModelVersionSql } from '../http/checkpointed-counts.js';
import type {
  AgreementRatesQueryDto,
  ListModerationQueueQueryDto,
} from './list-moderation-queue.query.dto.js';

export interface ModerationForm extends ModerationFormRow {
  firstName: string | null;
  lastName: string | null;
}
export interface AgreementRate {
  schoolUrn: string | null;
  term: string | null;
  checked: number;
  agreed: number;
  disagreed: number;
  /** agreed / checked, 2 decimals; null when nothing is checked yet. */
  rate: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The moderation sample and its findings, for moderators and hub staff (who work across the AB). */
@Injectable()
export class ModerationQueries {
  private readonly counts = new CheckpointedCounts();

  constructor(private readonly dataSource: DataSource) {}

  /** `manager`: the live sample, or an as-at replay's (names always from the live register). */
  async queue(
    query: ListModerationQueueQueryDto,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Page<ModerationForm>> {
    const { page, pageSize, skip } = pageBounds(query);
    const status = query.status ?? 'to-check';
    const filtered = <T extends ObjectLiteral>(qb: SelectQueryBuilder<T>) => {
      if (status === 'to-check') qb.andWhere('f.verdict IS NULL AND NOT f.returned');
      if (status === 'checked') qb.andWhere('f.verdict IS NOT NULL');
      if (status === 'returned') qb.andWhere('f.returned');
      if (query.term) qb.andWhere('f.term = :term', { term: query.term });
      if (query.schoolUrn) qb.andWhere('f.school_urn = :schoolUrn', { schoolUrn: query.schoolUrn });
      if (query.kind) qb.andWhere('f.kind = :kind', { kind: query.kind });
      return qb;
    };
    // Live reads also name the sample's version, so the total can be kept for it (CheckpointedCounts).
    const version = manager === this.dataSource.manager ? readModelVersionSql('moderation-sample') : null;
    // The page's forms first, then their names: the planner cannot join every form with `ects` before the
    // sort (it did at national scale on tables without statistics: 249 ms a page, 54 ms this way, 3 ms with
    // statistics either way).
    const pageOfForms = filtered(
      manager.getRepository(ModerationFormEntity).createQueryBuilder('f').select('f.form_id'),
    )
      .orderBy('f.submitted_on', 'ASC')
      .addOrderBy('f.form_id', 'ASC')
      .offset(skip)
      .limit(pageSize);
    const qb = this.base(manager)
      .where(`f.form_id IN (${pageOfForms.getQuery()})`)
      .setParameters(pageOfForms.getParameters());
    if (version) qb.addSelect(version, 'read_model_version');
    const { entities, raw } = await qb
      .orderBy('f.submitted_on', 'ASC')
      .addOrderBy('f.form_id', 'ASC')
      .getRawAndEntities();
    const filter = JSON.stringify([status, query.term, query.schoolUrn, query.kind]);
    const pageVersion = (raw[0] as { read_model_version?: string | null } | undefined)?.read_model_version;
    let total = version ? this.counts.get(filter, pageVersion) : undefined;
    if (total === undefined) {
      // Counted without the names' join and TypeORM's COUNT(DISTINCT form_id): one row a form (50 → 27 ms).
      const counting = manager
        .getRepository(ModerationFormEntity)
        .createQueryBuilder('f')
        .select('count(*)::int', 'total');
      if (version) counting.addSelect(version, 'read_model_version');
      const counted = await filtered(counting).getRawOne<{
        total: number;
        read_model_version?: string | null;
      }>();
      total = counted?.total ?? 0;
      if (version) this.counts.set(filter, counted?.read_model_version, total);
    }
    return {
      items: entities.map((row, i) => withName(row, raw[i] as Record<string, unknown>)),
      page,
      pageSize,
      total,
    };
  }

  /** One sampled form, or 404 (a form outside the sample is not for moderation). */
  async form(formId: string): Promise<ModerationForm> {
    if (!UUID.test(formId)) throw new NotFoundException([`No sampled form with id ${formId}`]);
    const { entities, raw } = await this.base()
      .where('f.form_id = :formId', { formId: formId.toLowerCase() })
      .getRawAndEntities();
    if (entities.length === 0) throw new NotFoundException([`No sampled form with id ${formId}`]);
    return withName(entities[0]!, raw[0] as Record<string, unknown>);
  }

  async agreementRates(
    query: AgreementRatesQueryDto,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Page<AgreementRate>> {
    const { page, pageSize, skip } = pageBounds(query);
    const by = query.by ?? 'school';
    const groups =
      by === 'school' ? ['f.school_urn'] : by === 'term' ? ['f.term'] : ['f.school_urn', 'f.term'];
    const qb = manager
      .getRepository(ModerationFormEntity)
      .createQueryBuilder('f')
      .select(by === 'term' ? 'NULL' : 'f.school_urn', 'school_urn')
      .addSelect(by === 'school' ? 'NULL' : 'f.term', 'term')
      .addSelect('COUNT(f.verdict)::int', 'checked')
      .addSelect("COUNT(*) FILTER (WHERE f.verdict = 'agree')::int", 'agreed')
      .addSelect("COUNT(*) FILTER (WHERE f.verdict = 'disagree')::int", 'disagreed')
      .where('f.verdict IS NOT NULL');
    if (query.term) qb.andWhere('f.term = :term', { term: query.term });
    if (query.schoolUrn) qb.andWhere('f.school_urn = :schoolUrn', { schoolUrn: query.schoolUrn });
    qb.groupBy(groups.join(', '));
    for (const g of groups) qb.addOrderBy(g, 'ASC');
    const rows = await qb.getRawMany<{
      school_urn: string | null;
      term: string | null;
      checked: number;
      agreed: number;
      disagreed: number;
    }>();
    const all = rows.map((r) => ({
      schoolUrn: r.school_urn,
      term: r.term,
      checked: r.checked,
      agreed: r.agreed,
      disagreed: r.disagreed,
      rate: r.checked === 0 ? null : Math.round((r.agreed / r.checked) * 100) / 100,
    }));
    return { items: all.slice(skip, skip + pageSize), page, pageSize, total: all.length };
  }

  private base(manager: EntityManager = this.dataSource.manager) {
    return manager
      .getRepository(ModerationFormEntity)
      .createQueryBuilder('f')
      .leftJoin('ects', 'e', 'e.id = f.ect_id')
      .addSelect(['e.first_name AS first_name', 'e.last_name AS last_name']);
  }
}

function withName(row: ModerationFormRow, raw: Record<string, unknown>): ModerationForm {
  return {
    ...row,
    firstName: (raw['first_name'] as string | null) ?? null,
    lastName: (raw['last_name'] as string | null) ?? null,
  };
}
