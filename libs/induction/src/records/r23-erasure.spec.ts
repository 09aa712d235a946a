import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { summariseInduction } from '../induction/induction-summary.js';
import type { EctEvent } from '../induction/ect.events.js';
import {
  calendar,
  command,
  decided,
  ECT_ID,
  given,
  history,
  MENTOR_ID,
  registered,
  registerEct,
  stateOf,
} from '../testing/ect-fixtures.js';

/** R23: six years after registration (no assessment yet), erasure may be requested. */
const AFTER_RETENTION = '2031-09-01';
const request = (subjectId: string, on = AFTER_RETENTION) => command('RequestErasure', { subjectId, on });
const erase = (subjectId: string, on = AFTER_RETENTION) => command('ErasePersonalData', { subjectId, on });

/** What the key vault does once a key is shredded: the subject's `personal` entries read back as null. */
function shredded(events: readonly EctEvent[], subjectId: string): EctEvent[] {
  return events.map((event) => {
    const personal = (event.data as { personal?: Record<string, unknown> }).personal;
    if (!personal || !(subjectId in personal)) return event;
    return { ...event, data: { ...event.data, personal: { ...personal, [subjectId]: null } } } as EctEvent;
  });
}

describe('R23 erasure (crypto-shredding)', () => {
  it('R23: records PersonalDataErased once requested; the person’s fields are gone from the state', () => {
    const events = history(registered(), request(ECT_ID));
    const [erased] = given(events)
      .when(erase(ECT_ID))
      .then([{ type: 'PersonalDataErased', data: { subjectId: ECT_ID, erasedOn: AFTER_RETENTION } }]);
    const state = stateOf([...events, erased!]);
    expect(state.people[ECT_ID]).toBeNull();
    expect(state.erasedSubjects).toEqual([ECT_ID]);
    expect(summariseInduction(state, AFTER_RETENTION, calendar).trn).toBeNull();
  });

  it('R23: no erasure without a recorded request (422), and a second erasure decides nothing', () => {
    const error = given(registered()).when(erase(ECT_ID)).thenThrows('R23', 'statutory');
    expect(error.message).toMatch(/^R23: no erasure request/);
    const erasedOnce = history(registered(), request(MENTOR_ID), erase(MENTOR_ID));
    given(erasedOnce).when(erase(MENTOR_ID)).then([]);
    given(erasedOnce).when(request(MENTOR_ID)).thenThrows(null, 'conflict');
  });

  it('R23: re-registering an erased TRN is refused with R23 (422), not a server error', () => {
    const events = shredded(history(registered(), request(ECT_ID), erase(ECT_ID)), ECT_ID);
    const error = given(events)
      .when(registerEct({ on: '2031-09-02' }))
      .thenThrows('R23', 'statutory');
    expect(error.field).toBe('trn');
    // Requested but not yet shredded: refused too, so no new data is written under a key about to go.
    given(history(registered(), request(ECT_ID)))
      .when(registerEct())
      .thenThrows('R23', 'statutory');
  });

  it('R23: the rest of the history still replays after erasure', () => {
    const events = history(
      registered(),
      command('RecordAbsence', {
        absenceId: 'a1',
        from: '2025-10-01',
        to: '2025-10-03',
        days: 3,
        reason: 'illness',
        on: '2025-10-03',
      }),
      request(ECT_ID),
      request(MENTOR_ID),
      erase(ECT_ID),
      erase(MENTOR_ID),
    );
    const before = stateOf(events);
    const replayed = stateOf(shredded(shredded(events, ECT_ID), MENTOR_ID));
    expect(replayed).toEqual(before);
    expect(replayed.absences).toHaveLength(1);
    expect(Object.values(replayed.people).filter((p) => p !== null)).toHaveLength(1); // the tutor only
  });

  it('property R23: whichever subjects are erased, in any order, their fields are null and no one else’s', () => {
    const base = registered();
    const subjects = Object.keys(stateOf(base).people);
    fc.assert(
      fc.property(fc.shuffledSubarray(subjects, { minLength: 1 }), (erasedIds) => {
        let events = [...base];
        for (const id of erasedIds) events = [...events, ...decided(events, request(id))];
        for (const id of erasedIds) events = [...events, ...decided(events, erase(id))];
        let stored = events;
        for (const id of erasedIds) stored = shredded(stored, id);
        const state = stateOf(stored);
        for (const id of subjects) {
          if (erasedIds.includes(id)) expect(state.people[id]).toBeNull();
          else expect(state.people[id]).not.toBeNull();
        }
        expect(stateOf(stored)).toEqual(stateOf(events));
      }),
      { numRuns: 50 },
    );
  });
});
