import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EctState } from '#induction/induction/ect.state.js';
import type { Principal } from '../../auth/principal.js';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { DecideOutcomeRequestDto } from './decide-outcome.request.dto.js';

/**
 * R16 decision. The decider is the signed-in panel member or hub staff; R21 (2.25) refuses a panel member from
 * the ECT's own school, so the school of theirs that the ECT is posted at (if any) is passed to the domain.
 */
export class DecideOutcomeCommand extends EctRequestCommand<DecideOutcomeRequestDto> {}

@CommandHandler(DecideOutcomeCommand)
export class DecideOutcomeHandler implements ICommandHandler<DecideOutcomeCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: DecideOutcomeCommand) {
    return this.writes.run(command, ({ body, context }, state, on) => {
      const schoolUrn = ownSchoolOf(context.principal, body.panelMemberSchoolUrn, state);
      return {
        type: 'DecideOutcome' as const,
        data: {
          decision: body.decision,
          decidedOn: body.decidedOn,
          extensionTerms: body.extensionTerms,
          rationale: body.rationale,
          decidedBy: { personId: context.principal.userId, ...(schoolUrn ? { schoolUrn } : {}) },
          on,
        },
      };
    });
  }
}

/**
 * R21: the decider's school where the ECT is in post, else any school of theirs (none for hub staff). Panel
 * members' API tokens do not carry schools yet, so the request may name the panel member's school.
 */
function ownSchoolOf(
  principal: Principal,
  declared: string | undefined,
  state: EctState,
): string | undefined {
  const schools = [...principal.schoolUrns, ...(declared ? [declared] : [])];
  const posted = state.posts.filter((post) => post.leftOn === null).map((post) => post.schoolUrn);
  return schools.find((urn) => posted.includes(urn)) ?? schools[0];
}
