import { describe, expect, it } from '@jest/globals';
import type { EventStore, RecordedEvent } from '#event-store/event-store.port.js';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import type { KeyVault } from '#platform/personal-data/key-vault.js';
import { keyedUuid } from '#platform/personal-data/keyed-id.js';
import { StreamCommandRunner } from '../../commands/stream-command-runner.js';
import { createLedgerDomain, ectStreamId } from '../../domain/ledger-domain.js';
import { PersonIdentity } from '../../domain/person-identity.js';
import { SchoolRegister } from '../../schools/school-register.js';
import { RegisterEctCommand } from './register-ect.command.js';
import { RegisterEctHandler } from './register-ect.handler.js';
import type { RegisterEctRequestDto } from './register-ect.request.dto.js';

const URN = '100001';
const request = (trn: string, schoolUrn = URN): RegisterEctRequestDto => ({
  trn,
  firstName: 'Ada',
  lastName: 'Teacher',
  dateOfBirth: '1996-05-01',
  email: `ada.${trn}@teacher.example`,
  schoolUrn,
  qtsAwardedOn: '2026-07-01',
  startDate: '2026-09-01',
  fte: 1,
  programme: 'provider-led',
  mentor: { name: 'Mo Mentor', email: `mentor@school-${schoolUrn}.example` },
  inductionTutor: { name: 'Tu Tutor', email: `tutor@school-${schoolUrn}.example` },
});
const context = {
  principal: { userId: 'hub-1', role: 'hub_staff' as const, schoolUrns: [], name: 'Hub' },
  correlationId: 'c',
  causationId: 'c',
};

/** Lets every pending promise callback run (the handler's reads start within a few turns). */
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * The handler over an in-memory log, a key vault that records what it is asked for, and a sealed store for the
 * school lookup whose answer the test releases (`answerSchool`).
 */
function harness() {
  const store = new MemoryEventStore();
  const streamsRead: string[] = [];
  const read = store.readStream.bind(store);
  store.readStream = (streamId, options) => {
    streamsRead.push(streamId);
    return read(streamId, options);
  };
  const keysAskedFor: string[][] = [];
  const keyVault = {
    keysFor: async (ids: readonly string[]) => {
      keysAskedFor.push([...ids]);
      return new Map<string, Buffer | null>();
    },
  } as unknown as KeyVault;
  let answerSchool: (events: RecordedEvent[]) => void = () => undefined;
  const sealed: Pick<EventStore, 'readStream'> = {
    readStream: () => new Promise<RecordedEvent[]>((resolve) => (answerSchool = resolve)),
  };
  const secret = Buffer.alloc(32, 7);
  const handler = new RegisterEctHandler(
    store,
    new StreamCommandRunner(store),
    createLedgerDomain({ hubSchoolUrns: [] }),
    { now: () => new Date('2026-09-01T09:00:00Z') },
    keyVault,
    new PersonIdentity(async (namespace, value) => keyedUuid(secret, `${namespace}:${value}`)),
    new SchoolRegister(sealed),
  );
  return {
    store,
    streamsRead,
    keysAskedFor,
    handler,
    answerSchool: (events: RecordedEvent[]) => answerSchool(events),
  };
}

describe('RegisterEctHandler: the school lookup and the ECT stream read together', () => {
  it('reads the ECT stream while the school is looked up, and asks for keys and appends only once the school is known', async () => {
    const h = harness();
    const registering = h.handler.execute(new RegisterEctCommand(request('1234567'), context));
    await settle();
    // The school has not answered, yet the ECT stream is read: one round trip fewer before the append.
    const ectStream = h.streamsRead.find((s) => s.startsWith('ect-'));
    expect(ectStream).toBeDefined();
    expect(h.keysAskedFor).toEqual([]);
    expect(await h.store.readStream(ectStream!)).toEqual([]);

    h.answerSchool([{} as RecordedEvent]);
    const accepted = await registering;
    expect(ectStreamId(accepted.id)).toBe(ectStream);
    expect(h.keysAskedFor).toHaveLength(1);
    expect(h.keysAskedFor[0]![0]).toBe(accepted.id);
    expect((await h.store.readStream(ectStream!)).map((e) => e.type)).toEqual(['EctRegistered']);
  });

  it('refuses a school that is not on the register without asking for a key or appending', async () => {
    const h = harness();
    const registering = h.handler.execute(new RegisterEctCommand(request('7654321', '100002'), context));
    await settle();
    h.answerSchool([]);
    await expect(registering).rejects.toThrow(/schoolUrn: no school with URN 100002/);
    expect(h.keysAskedFor).toEqual([]);
    const ectStream = h.streamsRead.find((s) => s.startsWith('ect-'))!;
    expect(await h.store.readStream(ectStream)).toEqual([]);
  });

  it('reports the identity failure, and leaves no rejection unhandled, when the school lookup fails too', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const store = new MemoryEventStore();
      const handler = new RegisterEctHandler(
        store,
        new StreamCommandRunner(store),
        createLedgerDomain({ hubSchoolUrns: [] }),
        { now: () => new Date('2026-09-01T09:00:00Z') },
        { keysFor: async () => new Map() } as unknown as KeyVault,
        new PersonIdentity(() => Promise.reject(new Error('identity key unavailable'))),
        new SchoolRegister({ readStream: () => Promise.reject(new Error('database down')) }),
      );
      await expect(handler.execute(new RegisterEctCommand(request('1112223'), context))).rejects.toThrow(
        'identity key unavailable',
      );
      await settle();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
