import { Injectable } from '@nestjs/common';
import { DueItemEntity, type DueItemRow } from '#read-models/reminders/due-items.projection.js';
import { schoolScope, type Principal } from '../auth/principal.js';
import { pageBounds, type Page } from '../http/pagination.js';
import type { ReadView } from '../audit/as-at-replays.js';
import type { ListDueItemsQueryDto } from './due-items.query.dto.js';

export interface DueItemView extends DueItemRow {
  /** Decided at query time against the view's today, never stored. */
  overdue: boolean;
}

/** Outstanding due facts of open ECTs (the `due-items` read model), soonest first, scoped like the register. */
@Injectable()
export class DueItemsQueries {
  async list(principal: Principal, query: ListDueItemsQueryDto, view: ReadView): Promise<Page<DueItemView>> {
    const { page, pageSize, skip } = pageBounds(query);
    const qb = view.manager.getRepository(DueItemEntity).createQueryBuilder('d');
    const scope = schoolScope(principal);
    if (scope) qb.andWhere('d.school_urn = ANY(:scope)', { scope });
    if (query.schoolUrn) qb.andWhere('d.school_urn = :schoolUrn', { schoolUrn: query.schoolUrn });
    if (query.kind) qb.andWhere('d.kind = :kind', { kind: query.kind });
    if (query.audience) qb.andWhere('d.audience = :audience', { audience: query.audience });
    if (query.overdue === 'true') qb.andWhere('d.due_by < :today', { today: view.today });
    if (query.overdue === 'false') qb.andWhere('d.due_by >= :today', { today: view.today });
    const [rows, total] = await qb
      .orderBy('d.due_by', 'ASC')
      .addOrderBy('d.ect_id', 'ASC')
      .addOrderBy('d.item_key', 'ASC')
      .skip(skip)
      .take(pageSize)
      .getManyAndCount();
    return {
      items: rows.map((row) => ({ ...row, overdue: row.dueBy < view.today })),
      page,
      pageSize,
      total,
    };
  }
}
