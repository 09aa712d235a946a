import { describe, expect, it } from '@jest/globals';
import type { Provider } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '#event-store/event-store.port.js';
import { ApiModule, type ApiModuleOptions } from '../api.module.js';
import { SchoolRegister, SEALED_EVENT_STORE } from './school-register.js';

/** A store holding some school streams, counting the reads. */
function store(streams: Map<string, number>) {
  const reads: string[] = [];
  const stub = {
    readStream: async (streamId: string) => {
      reads.push(streamId);
      return Array.from({ length: streams.get(streamId) ?? 0 }, () => ({}) as RecordedEvent);
    },
  } as unknown as EventStore;
  return { stub, reads };
}

describe('SchoolRegister: is a school on the AB register (its stream has events)', () => {
  it('keeps a yes for good and asks again after a no, so a school added later is found', async () => {
    const streams = new Map([['school-100001', 2]]);
    const { stub, reads } = store(streams);
    const schools = new SchoolRegister(stub);
    expect(await schools.exists('100001')).toBe(true);
    expect(await schools.exists('100001')).toBe(true);
    expect(reads).toEqual(['school-100001']);

    expect(await schools.exists('100002')).toBe(false);
    streams.set('school-100002', 1);
    expect(await schools.exists('100002')).toBe(true);
    expect(await schools.exists('100002')).toBe(true);
    expect(reads).toEqual(['school-100001', 'school-100002', 'school-100002']);
  });
});

describe('SchoolRegister in the api: the stream as stored', () => {
  it('is given the sealed store, so a first lookup at a school asks for no key and decrypts nothing', () => {
    const runtime = {
      eventStore: { name: 'decrypting' },
      storedEventStore: { name: 'sealed' },
      config: { apiTokenSecret: 's', readWaitTimeoutMs: 5_000, commandFoldCacheEvents: 0 },
      embedded: true,
    };
    const module = ApiModule.forRuntime({ runtime, projectionNames: [] } as unknown as ApiModuleOptions);
    const value = (token: symbol) =>
      (module.providers as (Provider & { provide?: unknown; useValue?: unknown })[]).find(
        (p) => p.provide === token,
      )?.useValue;
    expect(value(SEALED_EVENT_STORE)).toBe(runtime.storedEventStore);
    expect(value(EVENT_STORE)).toBe(runtime.eventStore);
  });
});
