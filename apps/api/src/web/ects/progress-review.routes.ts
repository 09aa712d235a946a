/**
 * Submit a progress review (R11) from the web: the review, then the notes, check answers, confirmation.
 * Sends the API's SubmitProgressReviewCommand; "not on track" needs a support plan (R11/R14), here and in
 * the domain. An ECT outside the tutor's school is a 404 on every page of the flow.
 */
import { NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { SubmitProgressReviewCommand } from '../../ects/submit-progress-review/submit-progress-review.handler.js';
import { SubmitProgressReviewRequestDto } from '../../ects/submit-progress-review/submit-progress-review.request.dto.js';
import { matching, maxLength, realDate, required } from '../forms/answers.js';
import { questionFlow } from '../forms/question-flow.js';
import { govukDate } from '../view-models/format.js';
import type { WebServices } from '../web-services.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const optional = (max: number, tooLong: string) => (value: string) => (value.length > max ? tooLong : null);

export function progressReviewRoutes(services: WebServices) {
  const nameOf = async (principal: Parameters<WebServices['ects']['get']>[0], id: string) => {
    if (!UUID.test(id)) throw new NotFoundException();
    const ect = await services.ects.get(principal, id.toLowerCase());
    return [ect.firstName, ect.lastName].filter(Boolean).join(' ') || 'Name erased';
  };
  return questionFlow({
    name: 'progress-review',
    basePath: '/ects/:id/progress-review',
    roles: ['induction_tutor', 'hub_staff'],
    caption: 'Progress review',
    backTo: '/ects/:id',
    load: async (principal, id) => ({ caption: `Progress review for ${await nameOf(principal, id)}` }),
    checkTitle: 'Check the progress review before submitting it',
    submitText: 'Submit progress review',
    steps: [
      {
        slug: 'review',
        title: 'About the review',
        fields: [
          {
            name: 'term',
            label: 'Induction term',
            hint: 'The term of induction the review is for: 1 is the term induction started in',
            kind: 'text',
            width: 'govuk-input--width-2',
            inputmode: 'numeric',
            validate: matching(
              /^([1-9]|1\d|2[0-4])$/,
              'Enter the induction term',
              'Induction term must be a whole number, like 2',
            ),
          },
          {
            name: 'reviewedOn',
            label: 'Date of the review',
            hint: 'For example, 10 12 2025',
            kind: 'date',
            show: govukDate,
            validate: realDate('Enter the date of the review', 'Date of the review'),
          },
          {
            name: 'onTrack',
            label: 'Is the ECT on track to meet the Teachers’ Standards?',
            kind: 'radios',
            choices: () => [
              { value: 'yes', text: 'Yes' },
              { value: 'no', text: 'No' },
            ],
            validate: required('Select yes if the ECT is on track'),
          },
        ],
      },
      {
        slug: 'notes',
        title: 'What did the review find?',
        fields: [
          {
            name: 'strengths',
            label: 'Strengths',
            kind: 'textarea',
            validate: maxLength(
              5000,
              'Enter the ECT’s strengths',
              'Strengths must be 5000 characters or fewer',
            ),
          },
          {
            name: 'areasForDevelopment',
            label: 'Development targets',
            kind: 'textarea',
            validate: maxLength(
              5000,
              'Enter the ECT’s development targets',
              'Development targets must be 5000 characters or fewer',
            ),
          },
          {
            name: 'supportPlan',
            label: 'Support plan',
            hint: 'Required when the ECT is not on track',
            kind: 'textarea',
            validate: (value, answers) =>
              answers['onTrack'] === 'no' && value === ''
                ? 'Enter the support plan, because the ECT is not on track'
                : optional(5000, 'Support plan must be 5000 characters or fewer')(value),
          },
          {
            name: 'ectComment',
            label: 'The ECT’s comments (optional)',
            kind: 'textarea',
            validate: optional(5000, 'The ECT’s comments must be 5000 characters or fewer'),
          },
        ],
      },
    ],
    submit: async (answers, principal, idempotencyKey, id) => {
      const name = await nameOf(principal, id);
      const request = plainToInstance(SubmitProgressReviewRequestDto, {
        term: Number(answers['term']),
        reviewedOn: answers['reviewedOn'],
        onTrack: answers['onTrack'] === 'yes',
        strengths: answers['strengths'],
        areasForDevelopment: answers['areasForDevelopment'],
        supportPlan: answers['supportPlan'] || undefined,
        ectComment: answers['ectComment'] || undefined,
      });
      await services.execute(
        principal,
        (context) => new SubmitProgressReviewCommand(id.toLowerCase(), request, context),
        idempotencyKey,
      );
      return { title: 'Progress review submitted', id: id.toLowerCase(), name, term: request.term };
    },
  });
}
