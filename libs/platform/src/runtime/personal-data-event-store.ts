import type {
  AppendResult,
  AppendWatch,
  EventStore,
  ExpectedRevision,
  LogPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeAllOptions,
} from '#event-store/event-store.port.js';
import type { PersonalDataCipher } from '../personal-data/personal-data-cipher.js';

/**
 * Crypto-shredding at the edge of the event store (docs/conventions.md, "Personal data"): `data.personal` is
 * sealed with each person's key before it is appended and opened after it is read. Everything above this
 * sees plain events; everything below stores only ciphertext. Erasing a person's key makes their fields
 * read back as `null` everywhere, while the rest of the history still replays.
 */
export class PersonalDataEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly cipher: PersonalDataCipher,
  ) {}

  async append(
    streamId: string,
    events: NewEvent[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    const sealed = await Promise.all(
      events.map(async (event) => ({ ...event, data: await this.cipher.encryptEventData(event.data) })),
    );
    return this.inner.append(streamId, sealed, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.cipher.decryptEvents(await this.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.cipher.decryptEvents(await this.inner.readAll(options));
  }

  async *subscribeAll(options?: SubscribeAllOptions): AsyncIterable<RecordedEvent> {
    for await (const event of this.inner.subscribeAll(options)) {
      yield (await this.cipher.decryptEvents([event]))[0]!;
    }
  }

  watchAppends(onAppend: () => void): AppendWatch {
    return this.inner.watchAppends?.(onAppend) ?? { live: false, close: () => undefined };
  }

  resolvePosition(globalPosition: bigint): Promise<LogPosition | null> {
    return this.inner.resolvePosition(globalPosition);
  }

  headPosition(): Promise<LogPosition | null> {
    return this.inner.headPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
