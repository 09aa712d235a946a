import { EntitySchema, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { Projection } from '../projection.js';

export interface SchoolRow {
  urn: string;
  name: string;
  phase: string;
  localAuthority: string;
  addedOn: string;
  revision: string;
  updatedAt: Date;
}

export const SchoolEntity = new EntitySchema<SchoolRow>({
  name: 'School',
  tableName: 'schools',
  columns: {
    urn: { type: 'text', primary: true, primaryKeyConstraintName: 'schools_pkey' },
    name: { type: 'text' },
    phase: { type: 'text' },
    localAuthority: { name: 'local_authority', type: 'text' },
    addedOn: { name: 'added_on', type: 'date' },
    revision: { type: 'bigint' },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
  },
  indices: [{ name: 'schools_name', columns: ['name'] }],
});

/** The AB's register of schools: who can have ECTs registered, and the names shown beside URNs. */
export const schoolDirectoryProjection: Projection = {
  name: 'school-directory',
  tables: ['schools'],
  entities: [SchoolEntity],
  eventTypes: ['SchoolAdded'],
  async apply(events: readonly RecordedEvent[], em: EntityManager) {
    for (const event of events) {
      const d = event.data as {
        urn: string;
        name: string;
        phase: string;
        localAuthority: string;
        addedOn: string;
      };
      await em.upsert(
        SchoolEntity,
        {
          urn: d.urn,
          name: d.name,
          phase: d.phase,
          localAuthority: d.localAuthority,
          addedOn: d.addedOn,
          revision: event.streamRevision.toString(),
          updatedAt: event.recordedAt,
        },
        ['urn'],
      );
    }
  },
};
