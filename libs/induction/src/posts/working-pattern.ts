/**
 * Posts and working patterns: R4 accrual is pro rata to FTE, R7 simultaneous posts (3.14–3.16) each count on
 * their own under R5, with one lead school; transfers and releases close a post and, when the ECT leaves after
 * a term or more before the next formal assessment, call for an R13 interim assessment.
 */
import { addDays, type IsoDate } from '../calendar/calendar-date.js';
import { termsServed } from '../accrual/r4-accrual.js';
import { meetsMinimumPeriod } from '../accrual/r5-minimum-period.js';
import type { CommandHandlers, EctDeps, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent } from '../induction/ect.events.js';
import { type EctState, isOpen, openPosts, type Post } from '../induction/ect.state.js';
import { conflict, invalid, notFound, statutory } from '../shared/domain-error.js';
import { requireDate } from '../registration/validation.js';

const URN = /^\d{6}$/;

/** FTE 0.1–1.0 (api.md): the fraction of a full-time timetable the ECT is contracted for. */
export function validateFte(fte: unknown, field = 'fte'): asserts fte is number {
  if (typeof fte !== 'number' || !Number.isFinite(fte) || fte < 0.1 || fte > 1) {
    throw invalid('FTE must be between 0.1 and 1.0', field);
  }
}

export function requireOpen(state: EctState): void {
  if (state.phase === 'unregistered') throw notFound('No induction is registered for this ECT');
  if (!isOpen(state)) throw statutory('R20', `induction is ${state.phase}`);
}

function findOpenPost(state: EctState, postId: string | undefined): Post {
  const posts = openPosts(state);
  const post =
    postId === undefined
      ? (posts.find((p) => p.schoolUrn === state.leadSchoolUrn) ?? posts[0])
      : posts.find((p) => p.postId === postId);
  if (!post) throw notFound(postId === undefined ? 'The ECT is not in post' : `No open post ${postId}`);
  return post;
}

const fteOn = (post: Post, date: IsoDate): number =>
  post.patterns.filter((pattern) => pattern.from <= date).at(-1)?.fte ?? post.patterns[0].fte;

/** R7 (3.14): simultaneous posts together cannot exceed a full-time load. */
function requireWithinFullTime(
  state: EctState,
  date: IsoDate,
  changedPostId: string | null,
  fte: number,
): void {
  const others = openPosts(state)
    .filter((post) => post.postId !== changedPostId)
    .reduce((sum, post) => sum + fteOn(post, date), 0);
  if (others + fte > 1 + 1e-9)
    throw statutory('R7', 'simultaneous posts cannot add up to more than 1.0 FTE', 'fte');
}

/** R13 (2.62): an interim assessment is needed when the ECT leaves after a term or more in the post, unless a formal assessment was just made in the term they leave in. */
function interimAssessmentRequired(state: EctState, post: Post, leftOn: IsoDate, deps: EctDeps): boolean {
  if (!meetsMinimumPeriod(post, leftOn, deps.calendar)) return false;
  const term = deps.calendar.termOnOrAfter(leftOn);
  return !state.assessments.some((a) => a.assessedOn >= term.start && a.assessedOn <= leftOn);
}

function closedState(state: EctState, postId: string, leftOn: IsoDate): EctState {
  return {
    ...state,
    posts: state.posts.map((post) => (post.postId === postId ? { ...post, leftOn } : post)),
  };
}

export const postCommands: Pick<
  CommandHandlers,
  'ChangeWorkingPattern' | 'AddSimultaneousPost' | 'TransferEct'
> = {
  ChangeWorkingPattern: ({ data }, state) => {
    requireOpen(state);
    requireDate(data.from, 'from');
    validateFte(data.fte);
    const post = findOpenPost(state, data.postId);
    if (data.from < post.startDate) throw invalid('A working pattern cannot start before the post', 'from');
    requireWithinFullTime(state, data.from, post.postId, data.fte);
    return [ectEvent('WorkingPatternChanged', { postId: post.postId, fte: data.fte, from: data.from })];
  },

  AddSimultaneousPost: ({ data }, state, deps) => {
    requireOpen(state);
    requireDate(data.startDate, 'startDate');
    validateFte(data.fte);
    if (!URN.test(data.schoolUrn)) throw invalid('School URN must be 6 digits', 'schoolUrn');
    if (state.posts.some((post) => post.postId === data.postId))
      throw conflict(`Post ${data.postId} already exists`);
    if (deps.hubSchoolUrns.has(data.schoolUrn)) {
      throw statutory('R21', 'the hub cannot be appropriate body for an ECT at its own school', 'schoolUrn');
    }
    requireWithinFullTime(state, data.startDate, null, data.fte);
    return [
      ectEvent('SimultaneousPostAdded', {
        postId: data.postId,
        schoolUrn: data.schoolUrn,
        startDate: data.startDate,
        fte: data.fte,
      }),
    ];
  },

  TransferEct: ({ data }, state, deps) => {
    requireOpen(state);
    requireDate(data.leftOn, 'leftOn');
    const post = findOpenPost(state, data.postId);
    if (data.leftOn < post.startDate)
      throw invalid('The ECT cannot leave a post before starting it', 'leftOn');
    const after = closedState(state, post.postId, data.leftOn);
    const served = termsServed(after, data.leftOn, deps.calendar);
    const interim = interimAssessmentRequired(state, post, data.leftOn, deps);
    if (data.toSchoolUrn !== undefined) {
      if (!URN.test(data.toSchoolUrn)) throw invalid('School URN must be 6 digits', 'toSchoolUrn');
      if (deps.hubSchoolUrns.has(data.toSchoolUrn)) {
        throw statutory(
          'R21',
          'the hub cannot be appropriate body for an ECT at its own school',
          'toSchoolUrn',
        );
      }
      return [
        ectEvent('EctTransferred', {
          fromPostId: post.postId,
          toPostId: `post-${state.posts.length + 1}`,
          toSchoolUrn: data.toSchoolUrn,
          leftOn: data.leftOn,
          reason: data.reason,
          termsServed: served,
          interimAssessmentRequired: interim,
        }),
      ];
    }
    if (openPosts(after).length > 0) {
      return [
        ectEvent('PostLeft', {
          postId: post.postId,
          leftOn: data.leftOn,
          reason: data.reason,
          termsServed: served,
          interimAssessmentRequired: interim,
        }),
      ];
    }
    return [
      ectEvent('EctReleased', {
        leftOn: data.leftOn,
        reason: data.reason,
        termsServed: served,
        interimAssessmentRequired: interim,
      }),
    ];
  },
};

export const postEvents: Pick<
  EventAppliers,
  'WorkingPatternChanged' | 'SimultaneousPostAdded' | 'PostLeft' | 'EctTransferred' | 'EctReleased'
> = {
  WorkingPatternChanged: (state, { data }) => ({
    ...state,
    posts: state.posts.map((post) =>
      post.postId === data.postId
        ? {
            ...post,
            patterns: [
              ...post.patterns.filter((p) => p.from < data.from),
              { from: data.from, fte: data.fte },
            ],
          }
        : post,
    ),
  }),
  SimultaneousPostAdded: (state, { data }) => ({
    ...state,
    posts: [
      ...state.posts,
      {
        postId: data.postId,
        schoolUrn: data.schoolUrn,
        startDate: data.startDate,
        leftOn: null,
        patterns: [{ from: data.startDate, fte: data.fte }],
      },
    ],
  }),
  PostLeft: (state, { data }) => ({
    ...closedState(state, data.postId, data.leftOn),
    interimAssessmentRequired: data.interimAssessmentRequired,
  }),
  EctTransferred: (state, { data }) => {
    const from = state.posts.find((post) => post.postId === data.fromPostId);
    const fte = from ? fteOn(from, data.leftOn) : 1;
    const startDate = addDays(data.leftOn, 1);
    const closed = closedState(state, data.fromPostId, data.leftOn);
    return {
      ...closed,
      leadSchoolUrn: from?.schoolUrn === state.leadSchoolUrn ? data.toSchoolUrn : state.leadSchoolUrn,
      interimAssessmentRequired: data.interimAssessmentRequired,
      posts: [
        ...closed.posts,
        {
          postId: data.toPostId,
          schoolUrn: data.toSchoolUrn,
          startDate,
          leftOn: null,
          patterns: [{ from: startDate, fte }],
        },
      ],
    };
  },
  // Released to another AB: the terms served so far go with the ECT (and count if they register here again),
  // so the closed posts are folded into that figure rather than counted a second time.
  EctReleased: (state, { data }) => ({
    ...state,
    phase: 'released',
    priorTermsServed: data.termsServed,
    interimAssessmentRequired: data.interimAssessmentRequired,
    posts: [],
  }),
};
