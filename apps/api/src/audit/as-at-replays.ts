import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EVENT_STORE, type EventStore } from '#event-store/event-store.port.js';
import type { Projection } from '#read-models/projection.js';
import { EctEntity } from '#read-models/ects/ect-register.projection.js';
import { ectRegisterProjection } from '#read-models/ects/ect-register.projection.js';
import { entitlementViewProjection } from '#read-models/entitlements/entitlement-view.projection.js';
import { replayAsAt } from '#read-models/audit/as-at-replay.js';
import { LEDGER_DOMAIN, type LedgerDomain } from '../domain/ledger-domain.js';
import { schoolScope, type Principal } from '../auth/principal.js';
import { pageBounds, type Page } from '../http/pagination.js';
import { EntitlementQueries, type EctEntitlements } from '../entitlements/entitlement-queries.js';
import type { ListEntitlementsQueryDto } from '../entitlements/list-entitlements.query.dto.js';

export const AS_AT_PROJECTIONS = ['ect-register', 'entitlement-view'] as const;
export type AsAtProjection = (typeof AS_AT_PROJECTIONS)[number];

/**
 * A read model as it stood at the end of a past date (R23 audit): the log up to that date is replayed into a
 * temporary schema with the projection's own handlers (the rebuild machinery), read, and dropped.
 */
@Injectable()
export class AsAtReplays {
  private readonly projections: Record<AsAtProjection, Projection>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_DOMAIN) domain: LedgerDomain,
    private readonly entitlementQueries: EntitlementQueries,
  ) {
    const deps = {
      evolve: domain.ect.evolve,
      initialState: domain.ect.initialState,
      toDomainEvent: domain.toEctEvent,
    };
    this.projections = {
      'ect-register': ectRegisterProjection(deps),
      'entitlement-view': entitlementViewProjection({ ...deps, calendar: domain.calendar }),
    };
  }

  private run<T>(name: AsAtProjection, asAt: string, read: (em: EntityManager) => Promise<T>): Promise<T> {
    const projection = this.projections[name];
    if (!projection) throw new NotFoundException([`No as-at view of ${name}`]);
    return replayAsAt(this.dataSource, this.store, projection, asAt, read);
  }

  async entitlements(principal: Principal, query: ListEntitlementsQueryDto): Promise<Page<EctEntitlements>> {
    const asAt = query.asAt!;
    const { page, pageSize, skip } = pageBounds(query);
    const rows = await this.run('entitlement-view', asAt, (em) =>
      this.entitlementQueries.rows(principal, query, em),
    );
    const all = this.entitlementQueries.evaluate(rows, query, asAt);
    return { items: all.slice(skip, skip + pageSize), page, pageSize, total: all.length };
  }

  /** The ECT register's rows as they stood (ids, schools, phases, revisions), without personal fields. */
  async ectRegister(
    principal: Principal,
    asAt: string,
    schoolUrn: string | undefined,
    query: { page?: number; pageSize?: number },
  ) {
    const { page, pageSize, skip } = pageBounds(query);
    const rows = await this.run('ect-register', asAt, async (em) => {
      const qb = em.getRepository(EctEntity).createQueryBuilder('e').where("e.phase <> 'unregistered'");
      const scope = schoolScope(principal);
      if (scope) qb.andWhere('e.school_urn = ANY(:scope)', { scope });
      if (schoolUrn) qb.andWhere('e.school_urn = :schoolUrn', { schoolUrn });
      return qb.orderBy('e.id', 'ASC').getMany();
    });
    const items = rows.slice(skip, skip + pageSize).map((r) => ({
      id: r.id,
      schoolUrn: r.schoolUrn,
      phase: r.phase,
      cohort: r.cohort,
      startDate: r.startDate,
      fte: r.fte,
      programme: r.programme,
      lateRegistration: r.lateRegistration,
      paused: r.paused,
      extended: r.extended,
      revision: Number(r.revision),
    }));
    return { asAt, items, page, pageSize, total: rows.length };
  }
}
