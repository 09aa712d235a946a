import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { EventStore, ReadStreamOptions } from '#event-store/event-store.port.js';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import { surveyDecider } from '#induction/survey/annual-survey.decider.js';
import { toSurveyEvent } from '../../../api/src/surveys/survey.handlers.js';
import { SurveyFolds } from './survey-folds.js';

const STREAM = 'survey-2025';
const metadata = { actor: 'spec', correlationId: 'c', causationId: 'c' };

/** The store, counting the events each readStream returns. */
function counting(store: MemoryEventStore): { store: EventStore; read: number[] } {
  const read: number[] = [];
  const wrapped = Object.create(store) as EventStore;
  wrapped.readStream = async (streamId: string, options?: ReadStreamOptions) => {
    const events = await store.readStream(streamId, options);
    read.push(events.length);
    return events;
  };
  return { store: wrapped, read };
}

const defined = () => ({
  eventId: randomUUID(),
  type: 'SurveyDefined',
  schemaVersion: 1,
  data: {
    year: 2025,
    title: 'Annual survey 2025/26',
    opensOn: '2026-06-01',
    closesOn: '2026-07-10',
    questions: [],
    definedOn: '2026-05-20',
  },
  metadata,
});
const invited = (n: number) => ({
  eventId: randomUUID(),
  type: 'SurveyRespondentInvited',
  schemaVersion: 1,
  data: {
    invitationId: `inv-${n}`,
    schoolUrn: String(100000 + n),
    role: n % 2 ? 'head' : 'induction-tutor',
    tokenHash: `hash-${n}`,
    expiresOn: '2026-07-10',
    invitedOn: '2026-06-01',
  },
  metadata,
});
const responded = (n: number) => ({
  eventId: randomUUID(),
  type: 'SurveyResponseSubmitted',
  schemaVersion: 1,
  data: {
    invitationId: `inv-${n}`,
    schoolUrn: String(100000 + n),
    role: n % 2 ? 'head' : 'induction-tutor',
    answers: {},
    submittedOn: '2026-06-05',
  },
  metadata,
});

const fullFold = async (store: EventStore) =>
  (await store.readStream(STREAM))
    .map(toSurveyEvent)
    .reduce(surveyDecider.evolve, surveyDecider.initialState());

describe('SurveyFolds: the survey stream folded forward, one read of the new events per call', () => {
  it('answers what a fold of the whole stream answers, reading each event once', async () => {
    const memory = new MemoryEventStore();
    const { store, read } = counting(memory);
    const folds = new SurveyFolds(store);
    const first = [defined(), invited(1), invited(2)];
    await memory.append(STREAM, first);

    const a = await folds.at(STREAM);
    expect(a.state).toEqual(await fullFold(memory));
    expect(a.events.get(first[1]!.eventId)).toEqual({
      type: 'SurveyRespondentInvited',
      invitationId: 'inv-1',
    });

    await memory.append(STREAM, [responded(1), invited(3)]);
    const b = await folds.at(STREAM);
    expect(b.state).toEqual(await fullFold(memory));
    expect(Object.keys(b.state.responses)).toEqual(['inv-1']);
    // Nothing new: no event read again.
    const c = await folds.at(STREAM);
    expect(c.state).toBe(b.state);
    expect(read).toEqual([3, 2, 0]);
    // The state handed out earlier is as it was (states are immutable).
    expect(Object.keys(a.state.invitations)).toEqual(['inv-1', 'inv-2']);
  });

  it('an unknown stream is empty, and an event of another stream is not found', async () => {
    const folds = new SurveyFolds(new MemoryEventStore());
    const { state, events } = await folds.at('survey-1999');
    expect(state).toEqual(surveyDecider.initialState());
    expect(events.size).toBe(0);
  });

  it('property: any interleaving of appends and reads ends in the full fold', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { minLength: 1, maxLength: 25 }),
        async (steps) => {
          const memory = new MemoryEventStore();
          const folds = new SurveyFolds(memory);
          await memory.append(STREAM, [defined()]);
          let n = 0;
          for (const [appends, readNow] of steps) {
            for (let i = 0; i < appends; i++) {
              n += 1;
              await memory.append(STREAM, [n % 3 === 0 ? responded(n - 1) : invited(n)]);
            }
            if (readNow) await folds.at(STREAM);
          }
          const { state, events } = await folds.at(STREAM);
          expect(state).toEqual(await fullFold(memory));
          expect(events.size).toBe((await memory.readStream(STREAM)).length);
        },
      ),
      { numRuns: 50 },
    );
  });
});
