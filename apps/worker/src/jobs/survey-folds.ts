import type { EventStore } from '#event-store/event-store.port.js';
import { evolveFrom } from '#induction/shared/decider.js';
import { surveyDecider, type SurveyState } from '#induction/survey/annual-survey.decider.js';
import { toSurveyEvent } from '../../../api/src/surveys/survey.handlers.js';

/** What a survey notification needs of the event it serves. */
export interface SurveyEventRef {
  type: string;
  invitationId: string | null;
}

interface Fold {
  revision: bigint;
  state: SurveyState;
  events: Map<string, SurveyEventRef>;
}

/**
 * The survey streams (`survey-<year>`) folded in this worker, carried forward: each call reads only the events
 * appended since the last and evolves the kept state with them. A survey notification job used to read and
 * fold the whole stream, whose fold was itself quadratic (every invitation copied the invitation maps): at
 * national scale (6,000 invitations, 12,000 events) each job took about a second and a reminder round kept
 * the worker's one thread busy for over an hour. States are immutable, so a kept state is never changed under
 * a caller; concurrent calls each get a state at the revision they read, and the later revision is kept.
 */
export class SurveyFolds {
  private readonly folds = new Map<string, Fold>();

  constructor(private readonly store: EventStore) {}

  async at(streamId: string): Promise<{ state: SurveyState; events: ReadonlyMap<string, SurveyEventRef> }> {
    const kept = this.folds.get(streamId);
    const fresh = await this.store.readStream(
      streamId,
      kept && kept.revision >= 0n ? { fromRevision: kept.revision + 1n } : undefined,
    );
    if (kept && fresh.length === 0) return kept;
    const state = evolveFrom(
      surveyDecider,
      kept?.state ?? surveyDecider.initialState(),
      fresh.map(toSurveyEvent),
    );
    // Shared and only ever added to (event ids are unique, stored events never change): a caller holding it
    // finds every event it was given, and a later one more.
    const events = kept?.events ?? new Map<string, SurveyEventRef>();
    for (const event of fresh) {
      const invitationId = (event.data as { invitationId?: unknown }).invitationId;
      events.set(event.eventId, {
        type: event.type,
        invitationId: typeof invitationId === 'string' ? invitationId : null,
      });
    }
    const fold = { revision: fresh.at(-1)?.streamRevision ?? kept?.revision ?? -1n, state, events };
    const latest = this.folds.get(streamId);
    if (!latest || latest.revision < fold.revision) this.folds.set(streamId, fold);
    return fold;
  }
}
