import type { Projection } from '#read-models/projection.js';
import { ectRegisterProjection } from '#read-models/ects/ect-register.projection.js';
import { abOversightProjections } from '#read-models/audit/ab-oversight.projections.js';
import { schoolDirectoryProjection } from '#read-models/schools/school-directory.projection.js';
import { dueItemsProjection } from '#read-models/reminders/due-items.projection.js';
import { annualSurveyProjection } from '#read-models/survey/annual-survey.projection.js';
import { schoolServiceProjection } from '#read-models/survey/school-service.projection.js';
import type { LedgerDomain } from '../../api/src/domain/ledger-domain.js';

/** Every read model the service keeps, in one list: the runner, `rebuild` and /health read it. */
export function ledgerProjections(domain: LedgerDomain): Projection[] {
  return [
    schoolDirectoryProjection,
    ectRegisterProjection({
      evolve: domain.ect.evolve,
      initialState: domain.ect.initialState,
      toDomainEvent: domain.toEctEvent,
    }),
    ...abOversightProjections({
      evolve: domain.ect.evolve,
      initialState: domain.ect.initialState,
      toDomainEvent: domain.toEctEvent,
      calendar: domain.calendar,
    }),
    dueItemsProjection({
      evolve: domain.ect.evolve,
      initialState: domain.ect.initialState,
      toDomainEvent: domain.toEctEvent,
      calendar: domain.calendar,
    }),
    annualSurveyProjection,
    schoolServiceProjection,
  ];
}
