import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import {
  ModerationFormEntity,
  type ModerationFormRow,
} from '#read-models/moderation/moderation-sample.projection.js';
import { pageBounds, type Page } from '../http/pagination.js';
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
    // Counted without the names' join and TypeORM's COUNT(DISTINCT form_id): one row a form (50 → 27 ms).
    const counted = await filtered(
      manager.getRepository(ModerationFormEntity).createQueryBuilder('f').select('count(*)::int', 'total'),
    ).getRawOne<{ total: number }>();
    const total = counted?.total ?? 0;
    const qb = filtered(this.base(manager));
    const { entities, raw } = await qb
      .orderBy('f.submitted_on', 'ASC')
      .addOrderBy('f.form_id', 'ASC')
      .offset(skip)
      .limit(pageSize)
      .getRawAndEntities();
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
