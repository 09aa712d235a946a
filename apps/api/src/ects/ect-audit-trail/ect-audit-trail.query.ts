import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type Json } from '#event-store/event-store.port.js';
import type { Principal } from '../../auth/principal.js';
import { ectStreamId } from '../../domain/ledger-domain.js';
import { pageBounds, type Page, type PageQueryDto } from '../../http/pagination.js';
import { EctWrites } from '../shared/ect-writes.js';

export interface AuditEntry {
  revision: number;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  /** Who: the user id and the role they acted in (from the event's metadata). */
  actor: string;
  actorRole: string | null;
  correlationId: string;
  /** What and why, as recorded. Personal fields read back as null once the person is erased (R23). */
  data: { [key: string]: Json };
}

/**
 * `GET /ects/:id/events`: the ECT's audit trail, read from the log itself (not a projection), oldest first.
 * Scope is the same as for `GET /ects/:id`; personal data appears only as the key vault lets it read back.
 */
@Injectable()
export class EctAuditTrailQuery {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly writes: EctWrites,
  ) {}

  async list(principal: Principal, rawId: string, query: PageQueryDto): Promise<Page<AuditEntry>> {
    const { ectId } = await this.writes.load(principal, rawId);
    const { page, pageSize, skip } = pageBounds(query);
    const events = await this.store.readStream(ectStreamId(ectId));
    const items = events.slice(skip, skip + pageSize).map((event): AuditEntry => ({
      revision: Number(event.streamRevision),
      type: event.type,
      schemaVersion: event.schemaVersion,
      recordedAt: event.recordedAt.toISOString(),
      actor: event.metadata.actor,
      actorRole: typeof event.metadata['actorRole'] === 'string' ? event.metadata['actorRole'] : null,
      correlationId: event.metadata.correlationId,
      data: event.data,
    }));
    return { items, page, pageSize, total: events.length };
  }
}
