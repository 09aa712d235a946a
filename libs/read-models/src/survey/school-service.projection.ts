import { EntitySchema, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type {
  ServiceSessionBooked,
  SessionAttendanceRecorded,
  SlaAgreed,
  SlaCommitment,
  SlaCommitmentReviewed,
} from '#induction/service-records/school-service.decider.js';
import type { Projection } from '../projection.js';

export interface ServiceSlaRow {
  slaId: string;
  schoolUrn: string;
  startsOn: string;
  endsOn: string;
  commitments: SlaCommitment[];
  agreedOn: string;
}
export interface SlaReviewRow {
  schoolUrn: string;
  slaId: string;
  commitmentId: string;
  year: number;
  met: boolean;
  note: string | null;
  reviewedOn: string;
}
export interface ServiceSessionRow {
  schoolUrn: string;
  sessionId: string;
  kind: string;
  title: string;
  heldOn: string;
  places: number;
  attended: number | null;
  bookedOn: string;
}

export const ServiceSlaEntity = new EntitySchema<ServiceSlaRow>({
  name: 'ServiceSla',
  tableName: 'service_slas',
  columns: {
    slaId: { name: 'sla_id', type: 'text', primary: true, primaryKeyConstraintName: 'service_slas_pkey' },
    schoolUrn: { name: 'school_urn', type: 'text' },
    startsOn: { name: 'starts_on', type: 'text' },
    endsOn: { name: 'ends_on', type: 'text' },
    commitments: { type: 'jsonb' },
    agreedOn: { name: 'agreed_on', type: 'text' },
  },
  indices: [{ name: 'service_slas_school', columns: ['schoolUrn'] }],
});

export const SlaReviewEntity = new EntitySchema<SlaReviewRow>({
  name: 'SlaCommitmentReview',
  tableName: 'service_sla_reviews',
  columns: {
    schoolUrn: {
      name: 'school_urn',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'service_sla_reviews_pkey',
    },
    slaId: {
      name: 'sla_id',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'service_sla_reviews_pkey',
    },
    commitmentId: {
      name: 'commitment_id',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'service_sla_reviews_pkey',
    },
    year: { type: 'int', primary: true, primaryKeyConstraintName: 'service_sla_reviews_pkey' },
    met: { type: 'boolean' },
    note: { type: 'text', nullable: true },
    reviewedOn: { name: 'reviewed_on', type: 'text' },
  },
});

export const ServiceSessionEntity = new EntitySchema<ServiceSessionRow>({
  name: 'ServiceSession',
  tableName: 'service_sessions',
  columns: {
    schoolUrn: {
      name: 'school_urn',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'service_sessions_pkey',
    },
    sessionId: {
      name: 'session_id',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'service_sessions_pkey',
    },
    kind: { type: 'text' },
    title: { type: 'text' },
    heldOn: { name: 'held_on', type: 'text' },
    places: { type: 'int' },
    attended: { type: 'int', nullable: true },
    bookedOn: { name: 'booked_on', type: 'text' },
  },
  indices: [{ name: 'service_sessions_held', columns: ['heldOn'] }],
});

/** Each school's service record with the hub: SLAs, commitment reviews, training and clinic bookings. */
export const schoolServiceProjection: Projection = {
  name: 'school-service',
  tables: ['service_slas', 'service_sla_reviews', 'service_sessions'],
  entities: [ServiceSlaEntity, SlaReviewEntity, ServiceSessionEntity],
  eventTypes: ['SlaAgreed', 'SlaCommitmentReviewed', 'ServiceSessionBooked', 'SessionAttendanceRecorded'],
  async apply(events: readonly RecordedEvent[], em: EntityManager) {
    for (const event of events) {
      if (!event.streamId.startsWith('school-service-')) continue;
      switch (event.type) {
        case 'SlaAgreed': {
          const d = event.data as unknown as SlaAgreed['data'];
          await em.upsert(ServiceSlaEntity, { ...d }, ['slaId']);
          break;
        }
        case 'SlaCommitmentReviewed': {
          const d = event.data as unknown as SlaCommitmentReviewed['data'];
          await em.upsert(SlaReviewEntity, { ...d }, ['schoolUrn', 'slaId', 'commitmentId', 'year']);
          break;
        }
        case 'ServiceSessionBooked': {
          const d = event.data as unknown as ServiceSessionBooked['data'];
          await em
            .createQueryBuilder()
            .insert()
            .into(ServiceSessionEntity)
            .values({ ...d, attended: null })
            .orIgnore()
            .execute();
          break;
        }
        case 'SessionAttendanceRecorded': {
          const d = event.data as unknown as SessionAttendanceRecorded['data'];
          await em.update(
            ServiceSessionEntity,
            { schoolUrn: d.schoolUrn, sessionId: d.sessionId },
            { attended: d.attended },
          );
          break;
        }
      }
    }
  },
};
