import { describe, it } from '@jest/globals';
import { specFor } from '../testing/given-when-then.js';
import { schoolDecider, type SchoolCommand, type SchoolEvent } from './school.decider.js';

const { given } = specFor(schoolDecider);
const add = (overrides: object = {}): SchoolCommand => ({
  type: 'AddSchool',
  data: {
    urn: '123456',
    name: 'Fenland Primary',
    phase: 'primary',
    localAuthority: 'Cambridgeshire',
    on: '2025-08-01',
    ...overrides,
  },
});
const added: SchoolEvent[] = [
  {
    type: 'SchoolAdded',
    schemaVersion: 1,
    data: {
      urn: '123456',
      name: 'Fenland Primary',
      phase: 'primary',
      localAuthority: 'Cambridgeshire',
      addedOn: '2025-08-01',
    },
  },
];

describe('school decider', () => {
  it('adds a school to the AB register', () => {
    given([]).when(add()).then(added);
  });
  it('rejects a URN that is not 6 digits and an unknown phase (400)', () => {
    given([])
      .when(add({ urn: '12345' }))
      .thenThrows(null, 'invalid');
    given([])
      .when(add({ phase: 'college' }))
      .thenThrows(null, 'invalid');
  });
  it('a second add of the same URN is a duplicate (409)', () => {
    given(added).when(add()).thenThrows(null, 'conflict');
  });
  it('names school contacts with personal data only under personal', () => {
    given(added)
      .when({
        type: 'NameSchoolContact',
        data: {
          role: 'induction-tutor',
          contact: { personId: 't1', name: 'Tu', email: 't@s.org' },
          on: '2025-08-02',
        },
      })
      .then([
        {
          type: 'SchoolContactNamed',
          data: {
            role: 'induction-tutor',
            personId: 't1',
            personal: { t1: { name: 'Tu', email: 't@s.org' } },
          },
        },
      ]);
  });
});
