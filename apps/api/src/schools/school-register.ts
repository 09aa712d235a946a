import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '#event-store/event-store.port.js';
import { schoolStreamId } from '../domain/ledger-domain.js';

/**
 * The event store as stored, personal data still sealed (the runtime's `storedEventStore`), for reads that only
 * ask whether events exist: they need no person's key and decrypt nothing.
 */
export const SEALED_EVENT_STORE = Symbol('SealedEventStore');

/**
 * "Is this school on the AB's register?" for the writes that name one (registration R20, a transfer, a bulk
 * upload): it is when its stream has events. The event log is append-only, so once a school's stream has
 * events it always will: a yes is kept for the life of this application (one per school), and only a no is
 * asked again. Before, every registration read (and decrypted) the school's whole stream. The stream is read
 * as stored (SEALED_EVENT_STORE): the first registration at each school in a process looked up its
 * contacts' keys and decrypted their names, one more round trip before the registration's own (at national
 * scale, 3,000 schools, most registrations of a bench pass).
 */
@Injectable()
export class SchoolRegister {
  private readonly known = new Set<string>();

  constructor(@Inject(SEALED_EVENT_STORE) private readonly store: Pick<EventStore, 'readStream'>) {}

  async exists(urn: string): Promise<boolean> {
    if (this.known.has(urn)) return true;
    const events = await this.store.readStream(schoolStreamId(urn));
    if (events.length === 0) return false;
    this.known.add(urn);
    return true;
  }
}
