/**
 * Simulates one ECT's induction against a calendar, through the domain's own decider: every event comes from
 * `decide` on the state folded so far, so every generated stream is one the service could have written. The
 * simulation schedules what a school and the AB would do (registration, absences, reviews, assessments, the
 * decision...) as an agenda of dated actions; each action builds its command from the state at that date and
 * a command the domain rejects is simply not written (and counted), as a real user would be told no.
 */
import { addDays, daysBetween, dayOfWeek, type IsoDate } from '#induction/calendar/calendar-date.js';
import type { Term, TermCalendar } from '#induction/calendar/r1-terms.js';
import { addWorkingDays } from '#induction/calendar/r2-working-days.js';
import { formalAssessmentsDue, isRecorded } from '#induction/assessments/r12-formal-assessments.js';
import { progressReviewsDue } from '#induction/progress-reviews/r11-progress-reviews.js';
import type { ContactInput, EctCommand } from '#induction/induction/ect.commands.js';
import { STANDARDS, type EctEvent, type StatutoryLeaveReason } from '#induction/induction/ect.events.js';
import type { EctState } from '#induction/induction/ect.state.js';
import type { Decider } from '#induction/shared/decider.js';
import { DomainError } from '#induction/shared/domain-error.js';
import type { Rng } from './prng.js';

export interface EctPlan {
  readonly ectId: string;
  readonly trn: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly dateOfBirth: IsoDate;
  readonly email: string;
  readonly schoolUrn: string;
  /** Where the ECT goes if the simulation transfers them. */
  readonly transferSchoolUrn: string;
  readonly mentor: ContactInput;
  /** A second mentor at the same school, for mentor changes. */
  readonly otherMentor: ContactInput;
  readonly inductionTutor: ContactInput;
  readonly head: ContactInput;
  readonly abContact: ContactInput;
  /** R21: a panel member from another school decides. */
  readonly panelMember: { readonly personId: string; readonly schoolUrn: string };
}

export interface EctSimulationOptions {
  readonly decider: Decider<EctCommand, EctEvent, EctState>;
  readonly calendar: TermCalendar;
  readonly asOf: IsoDate;
  /** The academic year the ECT's cohort starts in. */
  readonly academicYear: number;
  readonly absenceEpisodesPerTerm: number;
  /**
   * Extension point: commands for training attendance in one term, once a training capability (phase groups,
   * the September conference) has a decider. Return [] until then. Its commands go through the same decider.
   */
  readonly attendancePerTerm?: (
    term: Term,
    rng: Rng,
    plan: EctPlan,
  ) => { on: IsoDate; command: EctCommand }[];
}

export interface SimulatedEct {
  readonly events: EctEvent[];
  readonly state: EctState;
  /** Commands the domain refused (kept out of the stream), by rule or kind. */
  readonly rejected: Record<string, number>;
}

interface Action {
  readonly on: IsoDate;
  readonly seq: number;
  readonly run: () => void;
}

const STATUTORY_LEAVE: readonly StatutoryLeaveReason[] = [
  'maternity',
  'paternity',
  'adoption',
  'shared-parental',
];
const STRENGTHS = [
  'Secure subject knowledge; well-paced lessons',
  'Clear routines and positive relationships with pupils',
  'Good use of formative assessment to adapt teaching',
  'Thoughtful planning that builds on prior learning',
];
const TARGETS = [
  'Sharpen questioning to check understanding',
  'Adapt tasks for pupils with SEND',
  'Use assessment data to plan interventions',
  'Consistent behaviour management in the afternoon',
];

/** The next Monday–Friday on or after `date` (school events happen on school days). */
const weekday = (date: IsoDate): IsoDate => {
  const dow = dayOfWeek(date);
  return dow === 6 ? addDays(date, 2) : dow === 0 ? addDays(date, 1) : date;
};
const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a >= b ? a : b);
const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a <= b ? a : b);
const between = (rng: Rng, from: IsoDate, to: IsoDate): IsoDate =>
  to <= from ? from : addDays(from, rng.int(0, daysBetween(from, to)));

/** The first day of induction for an ECT of `academicYear`: most start in September, some in January or April. */
function startDateFor(rng: Rng, calendar: TermCalendar, academicYear: number): IsoDate {
  const roll = rng.next();
  const termIndex = academicYear * 3 + (roll < 0.86 ? 0 : roll < 0.95 ? 1 : 2);
  const term = calendar.termAt(termIndex);
  // The AB usually sets the start to the first day of term; some ECTs start a few days into it.
  return rng.chance(0.8) ? term.start : weekday(addDays(term.start, rng.int(1, 10)));
}

export function simulateEct(plan: EctPlan, rng: Rng, options: EctSimulationOptions): SimulatedEct {
  const { decider, calendar, asOf } = options;
  let state = decider.initialState();
  const events: EctEvent[] = [];
  const rejected: Record<string, number> = {};
  const agenda: Action[] = [];
  let seq = 0;
  let absenceSeq = 0;

  const schedule = (on: IsoDate, run: () => void) => {
    if (on > asOf) return;
    const action = { on, seq: seq++, run };
    let lo = 0;
    let hi = agenda.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = agenda[mid]!;
      if (other.on < on || (other.on === on && other.seq < action.seq)) lo = mid + 1;
      else hi = mid;
    }
    agenda.splice(lo, 0, action);
  };
  const attempt = (command: EctCommand): EctEvent[] => {
    try {
      const decided = decider.decide(command, state);
      for (const event of decided) state = decider.evolve(state, event);
      events.push(...decided);
      return decided;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const key = `${command.type}:${error.rule ?? error.kind}`;
      rejected[key] = (rejected[key] ?? 0) + 1;
      return [];
    }
  };
  const open = () => state.phase === 'open' || state.phase === 'awaiting-decision';

  // Registration (R20): usually a few weeks before the start; one in ten is registered late.
  const academicYear = options.academicYear;
  const startDate = startDateFor(rng, calendar, academicYear);
  const registeredOn = rng.chance(0.1)
    ? addDays(startDate, rng.int(3, 45))
    : addDays(startDate, -rng.int(3, 40));
  const fte = rng.chance(0.85) ? 1 : rng.pick([0.5, 0.6, 0.8]);
  const programme = rng.chance(0.8) ? 'provider-led' : 'school-led';
  attempt({
    type: 'RegisterEct',
    data: {
      ectId: plan.ectId,
      trn: plan.trn,
      firstName: plan.firstName,
      lastName: plan.lastName,
      dateOfBirth: plan.dateOfBirth,
      email: plan.email,
      schoolUrn: plan.schoolUrn,
      qtsAwardedOn: addDays(startDate, -rng.int(20, 400)),
      startDate,
      fte,
      programme,
      mentor: plan.mentor,
      inductionTutor: plan.inductionTutor,
      on: registeredOn,
    },
  });

  const contactOn = addDays(registeredOn, rng.int(1, 15));
  schedule(contactOn, () =>
    attempt({ type: 'AssignAbContact', data: { contact: plan.abContact, on: contactOn } }),
  );
  if (programme === 'school-led') {
    const checkedOn = weekday(addDays(maxDate(registeredOn, startDate), rng.int(10, 50)));
    schedule(checkedOn, () =>
      attempt({
        type: 'RecordFidelityCheck',
        data: {
          checkedOn,
          coversFramework: rng.chance(0.95),
          notes: 'ITTECF coverage mapped',
          on: checkedOn,
        },
      }),
    );
  }
  const timetable = (from: IsoDate, percent: number) =>
    schedule(maxDate(from, registeredOn), () =>
      attempt({
        type: 'RecordTimetable',
        data: { from, percentOfMainPayRangeTimetable: percent, on: maxDate(from, registeredOn) },
      }),
    );
  timetable(startDate, rng.chance(0.97) ? rng.pick([85, 88, 90]) : 92);
  timetable(addDays(startDate, 365), rng.chance(0.97) ? rng.pick([90, 93, 95]) : 97);

  // Life events, each at most once: statutory leave, a pause, a transfer, new mentor, a working pattern change.
  const leaveAt = rng.chance(0.04) ? addDays(startDate, rng.int(60, 500)) : null;
  const pauseAt = rng.chance(0.01) ? addDays(startDate, rng.int(60, 500)) : null;
  const transferAt = rng.chance(0.04) ? addDays(startDate, rng.int(100, 500)) : null;
  const mentorChangeAt = rng.chance(0.12) ? addDays(startDate, rng.int(30, 600)) : null;
  const patternChangeAt = rng.chance(0.03) ? addDays(startDate, rng.int(60, 400)) : null;

  if (leaveAt) {
    const from = weekday(leaveAt);
    const reason = rng.pick(STATUTORY_LEAVE);
    const length = reason === 'maternity' || reason === 'adoption' ? rng.int(120, 270) : rng.int(10, 30);
    const to = addDays(from, length - 1);
    const id = `leave-${(absenceSeq += 1)}`;
    schedule(from, () => {
      if (!open()) return;
      attempt({ type: 'PauseInduction', data: { from, reason: 'statutory-leave', on: from } });
      attempt({
        type: 'RecordAbsence',
        data: { absenceId: id, from, to, days: Math.floor((length * 5) / 7), reason, on: from },
      });
    });
    const back = weekday(addDays(to, 1));
    schedule(back, () => {
      attempt({ type: 'ResumeInduction', data: { from: back, on: back } });
      attempt({ type: 'ChooseLeaveExtension', data: { absenceId: id, extend: rng.chance(0.3), on: back } });
    });
  }
  if (pauseAt) {
    const from = weekday(pauseAt);
    const until = weekday(addDays(from, rng.int(30, 120)));
    schedule(from, () => attempt({ type: 'PauseInduction', data: { from, reason: 'other', on: from } }));
    schedule(until, () => attempt({ type: 'ResumeInduction', data: { from: until, on: until } }));
  }
  if (transferAt) {
    const leftOn = weekday(transferAt);
    schedule(leftOn, () => {
      const moved = attempt({
        type: 'TransferEct',
        data: { leftOn, reason: 'Moved to a new post', toSchoolUrn: plan.transferSchoolUrn, on: leftOn },
      });
      if (moved.length > 0 && state.interimAssessmentRequired) {
        const assessedOn = weekday(addDays(leftOn, -rng.int(1, 10)));
        const on = addWorkingDays(leftOn, rng.int(1, 8));
        schedule(on, () =>
          attempt({
            type: 'RecordInterimAssessment',
            data: { assessedOn, progress: rng.pick(STRENGTHS), on },
          }),
        );
      }
    });
  }
  if (mentorChangeAt) {
    const from = weekday(mentorChangeAt);
    schedule(from, () =>
      attempt({ type: 'ChangeMentor', data: { mentor: plan.otherMentor, from, on: from } }),
    );
  }
  if (patternChangeAt) {
    const from = weekday(patternChangeAt);
    schedule(from, () =>
      attempt({ type: 'ChangeWorkingPattern', data: { fte: fte === 1 ? 0.8 : 1, from, on: from } }),
    );
  }

  const decide = (finalDueBy: IsoDate, receivedOn: IsoDate) => {
    const recommendation = state.recommendation;
    if (recommendation === null) return;
    if (rng.chance(recommendation.recommendation === 'satisfactory' ? 0.02 : 0.4)) {
      const on = addWorkingDays(receivedOn, rng.int(1, 9));
      schedule(on, () =>
        attempt({
          type: 'SubmitRepresentations',
          data: { summary: 'The ECT’s written representations', on },
        }),
      );
    }
    const decidedOn = weekday(
      maxDate(addWorkingDays(receivedOn, rng.int(3, 22)), addDays(finalDueBy, rng.int(1, 12))),
    );
    const outcome =
      recommendation.recommendation === 'satisfactory'
        ? 'pass'
        : recommendation.recommendation === 'extension'
          ? 'extend'
          : rng.chance(0.6)
            ? 'fail'
            : 'extend';
    schedule(decidedOn, () => {
      const decided = attempt({
        type: 'DecideOutcome',
        data: {
          decision: outcome,
          decidedOn,
          rationale: 'Panel reviewed the assessment evidence',
          decidedBy: plan.panelMember,
          ...(outcome === 'extend' ? { extensionTerms: rng.pick([1, 1, 2, 3]) } : {}),
          on: decidedOn,
        },
      });
      if (decided.length === 0) return;
      const recipients =
        outcome === 'pass'
          ? (['ect', 'head', 'employer'] as const)
          : (['ect', 'head', 'employer', 'tra'] as const);
      for (const recipient of recipients) {
        const notifiedOn = addWorkingDays(decidedOn, rng.chance(0.95) ? rng.int(0, 3) : rng.int(4, 8));
        schedule(notifiedOn, () =>
          attempt({ type: 'RecordNotification', data: { recipient, notifiedOn, on: notifiedOn } }),
        );
      }
      if (outcome !== 'pass' && rng.chance(0.25)) {
        const lodgedOn = addWorkingDays(decidedOn, rng.int(5, 19));
        schedule(lodgedOn, () => attempt({ type: 'LodgeAppeal', data: { lodgedOn, on: lodgedOn } }));
        const determinedOn = addDays(lodgedOn, rng.int(40, 120));
        schedule(determinedOn, () =>
          attempt({
            type: 'DetermineAppeal',
            data: { outcome: rng.chance(0.7) ? 'dismissed' : 'upheld', determinedOn, on: determinedOn },
          }),
        );
      }
    });
  };

  let assessmentPending = false;
  const assess = (term: Term) => {
    if (state.phase !== 'open' || assessmentPending) return;
    const due = formalAssessmentsDue(state, calendar).find((d) => !isRecorded(state, d.point));
    if (!due || due.term.index > term.index) return;
    const latest = minDate(minDate(due.dueBy, term.end), asOf);
    const assessedOn = weekday(maxDate(due.term.start, addDays(latest, -rng.int(5, 35))));
    if (assessedOn > asOf) return;
    const on = addWorkingDays(assessedOn, rng.chance(0.9) ? rng.int(1, 10) : rng.int(11, 20));
    assessmentPending = true;
    schedule(on, () => {
      assessmentPending = false;
      if (state.phase !== 'open') return;
      const final = due.point === 'final';
      const roll = rng.next();
      const recommendation = final
        ? roll < 0.94
          ? 'satisfactory'
          : roll < 0.98
            ? 'extension'
            : 'unsatisfactory'
        : roll < 0.95
          ? 'satisfactory'
          : 'unsatisfactory';
      const met = recommendation === 'satisfactory';
      const recorded = attempt({
        type: 'RecordFormalAssessment',
        data: {
          point: due.point,
          assessedOn,
          assessor: { personId: plan.inductionTutor.personId, role: 'induction-tutor' },
          standards: Object.fromEntries(
            STANDARDS.map((id) => [id, met || rng.chance(0.6) ? 'met' : 'not-met']),
          ),
          recommendation,
          evidence: 'Lesson observations, planning and pupil work reviewed',
          signedOn: { inductionTutor: assessedOn, head: assessedOn, ect: assessedOn },
          on,
        },
      });
      if (recorded.length === 0) return;
      for (const grantee of [plan.head, plan.mentor]) {
        if (rng.chance(0.5)) {
          attempt({
            type: 'GrantAssessmentAccess',
            data: {
              grantee: { personId: grantee.personId, name: grantee.name, email: grantee.email },
              role: grantee === plan.head ? 'head' : 'mentor',
              on,
            },
          });
        }
      }
      if (final) decide(due.dueBy, on);
    });
  };

  const review = (term: Term) => {
    if (state.phase !== 'open') return;
    const due = progressReviewsDue(state, calendar).find(
      (r) => r.calendarTerm.index === term.index && !state.reviews.some((done) => done.term === r.term),
    );
    if (!due || rng.chance(0.03)) return; // a few reviews are never sent in: they show as overdue
    const reviewedOn = weekday(maxDate(term.start, addDays(minDate(term.end, asOf), -rng.int(7, 40))));
    const on = minDate(asOf, addDays(reviewedOn, rng.int(0, 12)));
    schedule(on, () => {
      const onTrack = rng.chance(0.92);
      const needsPlan = !onTrack || state.supportPlanRequired !== null;
      attempt({
        type: 'SubmitProgressReview',
        data: {
          term: due.term,
          reviewedOn,
          onTrack,
          strengths: rng.pick(STRENGTHS),
          areasForDevelopment: rng.pick(TARGETS),
          ...(needsPlan
            ? { supportPlan: 'Weekly coaching with the mentor; observed lesson each fortnight' }
            : {}),
          on,
        },
      });
    });
  };

  const absences = (term: Term) => {
    const from = maxDate(term.start, startDate);
    const to = minDate(term.end, asOf);
    if (to < from) return;
    const episodes = rng.poisson(options.absenceEpisodesPerTerm);
    for (let i = 0; i < episodes; i += 1) {
      const first = weekday(between(rng, from, to));
      const long = rng.chance(0.02);
      const days = long ? rng.int(5, 15) : rng.chance(0.9) ? 1 : 2;
      const last = addDays(first, long ? Math.ceil((days * 7) / 5) : days - 1);
      const on = maxDate(registeredOn, addDays(last, rng.int(0, 6)));
      const absenceId = `absence-${(absenceSeq += 1)}`;
      schedule(on, () => {
        if (!open()) return;
        const recorded = attempt({
          type: 'RecordAbsence',
          data: {
            absenceId,
            from: first,
            to: last,
            days,
            reason: rng.chance(0.85) ? 'illness' : 'other',
            on,
          },
        });
        if (recorded.length > 0 && rng.chance(0.02)) {
          const withdrawnOn = addDays(on, rng.int(1, 10));
          schedule(withdrawnOn, () =>
            attempt({
              type: 'WithdrawAbsence',
              data: { absenceId, reason: 'Recorded in error', on: withdrawnOn },
            }),
          );
        }
      });
    }
  };

  // Each term, from the one induction starts in: schedule that term's school life, then run the agenda to its end.
  const termBegins = (term: Term) => {
    if (!open() && state.phase !== 'unregistered') return;
    absences(term);
    review(term);
    assess(term);
    for (const item of options.attendancePerTerm?.(term, rng, plan) ?? []) {
      schedule(item.on, () => attempt(item.command));
    }
    const next = calendar.termAt(term.index + 1);
    schedule(next.start, () => termBegins(next));
  };
  const firstTerm = calendar.termOnOrAfter(startDate);
  schedule(maxDate(firstTerm.start, registeredOn), () => termBegins(firstTerm));

  while (agenda.length > 0) {
    const action = agenda.shift()!;
    action.run();
  }
  return { events, state, rejected };
}
