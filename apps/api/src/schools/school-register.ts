import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store/event-store.port.js';
import { schoolStreamId } from '../domain/ledger-domain.js';

/**
 * "Is this school on the AB's register?" for the writes that name one (registration R20, a transfer, a bulk
 * upload): it is when its stream has events. The event log is append-only, so once a school's stream has
 * events it always will: a yes is kept for the life of this application (one per school), and only a no is
 * asked again. Before, every registration read (and decrypted) the school's whole stream.
 */
@Injectable()
export class SchoolRegister {
  private readonly known = new Set<string>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async exists(urn: string): Promise<boolean> {
    if (this.known.has(urn)) return true;
    const events = await this.store.readStream(schoolStreamId(urn));
    if (events.length === 0) return false;
    this.known.add(urn);
    return true;
  }
}
