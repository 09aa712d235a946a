import { EntitySchema, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type {
  AttendanceRecorded,
  EctAllocatedToGroup,
  PhaseGroupFormed,
  TrainingEvent,
  TrainingProgrammePublished,
} from '#induction/training/training-programme.decider.js';
import type { Projection } from '../projection.js';

export interface TrainingGroupRow {
  academicYear: number;
  groupId: string;
  name: string;
  phase: string;
  facilitatorId: string;
  /** Personal data: null once the facilitator is erased. */
  facilitatorName: string | null;
  formedOn: string;
}
export const TrainingGroupEntity = new EntitySchema<TrainingGroupRow>({
  name: 'TrainingGroup',
  tableName: 'training_groups',
  columns: {
    academicYear: {
      name: 'academic_year',
      type: 'int',
      primary: true,
      primaryKeyConstraintName: 'training_groups_pkey',
    },
    groupId: {
      name: 'group_id',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'training_groups_pkey',
    },
    name: { type: 'text' },
    phase: { type: 'text' },
    facilitatorId: { name: 'facilitator_id', type: 'uuid' },
    facilitatorName: { name: 'facilitator_name', type: 'text', nullable: true },
    formedOn: { name: 'formed_on', type: 'text' },
  },
});

export interface TrainingEventRow {
  academicYear: number;
  eventId: string;
  date: string;
  kind: string;
  groupId: string | null;
  event: TrainingEvent;
}
export const TrainingEventEntity = new EntitySchema<TrainingEventRow>({
  name: 'TrainingProgrammeEvent',
  tableName: 'training_events',
  columns: {
    academicYear: {
      name: 'academic_year',
      type: 'int',
      primary: true,
      primaryKeyConstraintName: 'training_events_pkey',
    },
    eventId: {
      name: 'event_id',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'training_events_pkey',
    },
    date: { type: 'text' },
    kind: { type: 'text' },
    groupId: { name: 'group_id', type: 'text', nullable: true },
    event: { type: 'jsonb' },
  },
  indices: [{ name: 'training_events_date', columns: ['academicYear', 'date'] }],
});

export interface TrainingAllocationRow {
  academicYear: number;
  ectId: string;
  groupId: string;
  allocatedOn: string;
}
export const TrainingAllocationEntity = new EntitySchema<TrainingAllocationRow>({
  name: 'TrainingAllocation',
  tableName: 'training_allocations',
  columns: {
    academicYear: {
      name: 'academic_year',
      type: 'int',
      primary: true,
      primaryKeyConstraintName: 'training_allocations_pkey',
    },
    ectId: {
      name: 'ect_id',
      type: 'uuid',
      primary: true,
      primaryKeyConstraintName: 'training_allocations_pkey',
    },
    groupId: { name: 'group_id', type: 'text' },
    allocatedOn: { name: 'allocated_on', type: 'text' },
  },
  indices: [{ name: 'training_allocations_group', columns: ['academicYear', 'groupId'] }],
});

export interface TrainingAttendanceRow {
  academicYear: number;
  eventId: string;
  participantId: string;
  role: 'ect' | 'mentor';
  attended: boolean;
  recordedOn: string;
}
export const TrainingAttendanceEntity = new EntitySchema<TrainingAttendanceRow>({
  name: 'TrainingAttendance',
  tableName: 'training_attendance',
  columns: {
    academicYear: {
      name: 'academic_year',
      type: 'int',
      primary: true,
      primaryKeyConstraintName: 'training_attendance_pkey',
    },
    eventId: {
      name: 'event_id',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'training_attendance_pkey',
    },
    participantId: {
      name: 'participant_id',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'training_attendance_pkey',
    },
    role: { type: 'text' },
    attended: { type: 'boolean' },
    recordedOn: { name: 'recorded_on', type: 'text' },
  },
  indices: [{ name: 'training_attendance_participant', columns: ['participantId'] }],
});

const TRAINING_STREAM = /^training-programme-\d+$/;

/** The hub's training programmes (issue 5): groups and facilitators, events, allocations, attendance. */
export const trainingProgrammeProjection: Projection = {
  name: 'training-programme',
  tables: ['training_groups', 'training_events', 'training_allocations', 'training_attendance'],
  entities: [TrainingGroupEntity, TrainingEventEntity, TrainingAllocationEntity, TrainingAttendanceEntity],
  eventTypes: ['PhaseGroupFormed', 'TrainingProgrammePublished', 'EctAllocatedToGroup', 'AttendanceRecorded'],
  async apply(events: readonly RecordedEvent[], em: EntityManager) {
    for (const event of events) {
      if (!TRAINING_STREAM.test(event.streamId)) continue;
      switch (event.type) {
        case 'PhaseGroupFormed': {
          const data = event.data as unknown as PhaseGroupFormed['data'];
          await em.upsert(
            TrainingGroupEntity,
            {
              academicYear: data.academicYear,
              groupId: data.groupId,
              name: data.name,
              phase: data.phase,
              facilitatorId: data.facilitatorId,
              facilitatorName: data.personal?.[data.facilitatorId]?.name ?? null,
              formedOn: data.formedOn,
            },
            ['academicYear', 'groupId'],
          );
          break;
        }
        case 'TrainingProgrammePublished': {
          const data = event.data as unknown as TrainingProgrammePublished['data'];
          await em.delete(TrainingEventEntity, { academicYear: data.academicYear });
          if (data.events.length > 0)
            await em.insert(
              TrainingEventEntity,
              data.events.map((e) => ({
                academicYear: data.academicYear,
                eventId: e.eventId,
                date: e.date,
                kind: e.kind,
                groupId: e.groupId,
                event: e,
              })),
            );
          break;
        }
        case 'EctAllocatedToGroup': {
          const data = event.data as unknown as EctAllocatedToGroup['data'];
          await em.upsert(
            TrainingAllocationEntity,
            {
              academicYear: data.academicYear,
              ectId: data.ectId,
              groupId: data.groupId,
              allocatedOn: data.allocatedOn,
            },
            ['academicYear', 'ectId'],
          );
          break;
        }
        case 'AttendanceRecorded': {
          const data = event.data as unknown as AttendanceRecorded['data'];
          await em.upsert(
            TrainingAttendanceEntity,
            {
              academicYear: data.academicYear,
              eventId: data.eventId,
              participantId: data.participantId,
              role: data.role,
              attended: data.attended,
              recordedOn: data.recordedOn,
            },
            ['academicYear', 'eventId', 'participantId'],
          );
          break;
        }
      }
    }
  },
};
