/**
 * Formal assessments (R12, and the head's R15 recommendation at the final one) and interim assessments (R13)
 * from the web. Each flow sends the API's own command (RecordFormalAssessmentCommand,
 * RecordInterimAssessmentCommand); the domain checks timing, signatures and the assessor, and its refusal
 * shows in the check-answers page's error summary. An ECT outside the user's schools is a 404 on every page.
 */
import { Router } from 'express';
import { plainToInstance } from 'class-transformer';
import { RecordFormalAssessmentCommand } from '../../ects/record-formal-assessment/record-formal-assessment.handler.js';
import { RecordFormalAssessmentRequestDto } from '../../ects/record-formal-assessment/record-formal-assessment.request.dto.js';
import { RecordInterimAssessmentCommand } from '../../ects/record-interim-assessment/record-interim-assessment.handler.js';
import { RecordInterimAssessmentRequestDto } from '../../ects/record-interim-assessment/record-interim-assessment.request.dto.js';
import { email, maxLength, realDate, required } from '../forms/answers.js';
import { questionFlow, type Field } from '../forms/question-flow.js';
import { govukDate } from '../view-models/format.js';
import type { WebServices } from '../web-services.js';
import { ectCaption, ectNameFor, optionalText } from './ect-flow-support.js';

/** The Teachers' Standards (R12: never the ECF/ITTECF), in the words of the standards. */
export const STANDARDS: readonly { id: string; text: string }[] = [
  { id: 'TS1', text: 'TS1: Set high expectations which inspire, motivate and challenge pupils' },
  { id: 'TS2', text: 'TS2: Promote good progress and outcomes by pupils' },
  { id: 'TS3', text: 'TS3: Demonstrate good subject and curriculum knowledge' },
  { id: 'TS4', text: 'TS4: Plan and teach well structured lessons' },
  { id: 'TS5', text: 'TS5: Adapt teaching to respond to the strengths and needs of all pupils' },
  { id: 'TS6', text: 'TS6: Make accurate and productive use of assessment' },
  { id: 'TS7', text: 'TS7: Manage behaviour effectively to ensure a good and safe learning environment' },
  { id: 'TS8', text: 'TS8: Fulfil wider professional responsibilities' },
  { id: 'PartTwo', text: 'Part Two: Personal and professional conduct' },
];

const POINTS = [
  { value: 'year-1', text: 'End of year 1' },
  { value: 'final', text: 'End of induction (final assessment)' },
];

const signature = (name: string, label: string): Field => ({
  name,
  label,
  hint: 'The induction tutor, the headteacher and the ECT each sign the report (R12). For example, 2 7 2026',
  kind: 'date',
  show: govukDate,
  validate: realDate(`Enter the date ${label.toLowerCase()}`, `The date ${label.toLowerCase()}`),
});

export function assessmentRoutes(services: WebServices): Router {
  const router = Router();
  router.use(
    questionFlow({
      name: 'formal-assessment',
      basePath: '/ects/:id/formal-assessment',
      roles: ['induction_tutor', 'hub_staff'],
      caption: 'Formal assessment',
      backTo: '/ects/:id',
      load: ectCaption(services, 'Formal assessment'),
      checkTitle: 'Check the formal assessment before submitting it',
      submitText: 'Submit formal assessment',
      steps: [
        {
          slug: 'assessment',
          title: 'About the assessment',
          fields: [
            {
              name: 'point',
              label: 'Which assessment is this?',
              kind: 'radios',
              choices: () => POINTS,
              validate: required('Select which assessment this is'),
            },
            {
              name: 'assessedOn',
              label: 'Date of the assessment meeting',
              hint: 'For example, 1 7 2026',
              kind: 'date',
              show: govukDate,
              validate: realDate(
                'Enter the date of the assessment meeting',
                'Date of the assessment meeting',
              ),
            },
            {
              name: 'assessorRole',
              label: 'Who made the assessment?',
              hint: 'The head or the induction tutor: never a mentor who is not the induction tutor (R12)',
              kind: 'radios',
              choices: () => [
                { value: 'induction-tutor', text: 'The induction tutor' },
                { value: 'head', text: 'The headteacher' },
              ],
              validate: required('Select who made the assessment'),
            },
            {
              name: 'assessorEmail',
              label: 'Assessor’s email address',
              kind: 'email',
              autocomplete: 'off',
              spellcheck: false,
              validate: email('Enter the assessor’s email address'),
            },
          ],
        },
        {
          slug: 'standards',
          title: 'Has the ECT met each of the Teachers’ Standards?',
          fields: STANDARDS.map((s) => ({
            name: s.id,
            label: s.text,
            kind: 'radios' as const,
            choices: () => [
              { value: 'met', text: 'Met' },
              { value: 'not-met', text: 'Not met' },
            ],
            validate: required(`Select met or not met for ${s.id === 'PartTwo' ? 'Part Two' : s.id}`),
          })),
        },
        {
          slug: 'recommendation',
          title: 'Recommendation and comments',
          fields: [
            {
              name: 'recommendation',
              label: 'What is the recommendation?',
              hint: 'At the final assessment this is the headteacher’s recommendation to the appropriate body (R15)',
              kind: 'radios',
              choices: () => [
                { value: 'satisfactory', text: 'Satisfactory progress' },
                { value: 'unsatisfactory', text: 'Unsatisfactory progress' },
                { value: 'extension', text: 'Extend induction (final assessment only)' },
              ],
              validate: (value, answers) =>
                value === ''
                  ? 'Select the recommendation'
                  : value === 'extension' && answers['point'] !== 'final'
                    ? 'Extension can only be recommended at the final assessment'
                    : null,
            },
            {
              name: 'evidence',
              label: 'Evidence',
              hint: 'What the judgements are based on, for example lesson observations and planning',
              kind: 'textarea',
              validate: maxLength(
                10000,
                'Enter the evidence for the assessment',
                'Evidence must be 10000 characters or fewer',
              ),
            },
            {
              name: 'ectComment',
              label: 'The ECT’s comments (optional)',
              kind: 'textarea',
              validate: optionalText(5000, 'The ECT’s comments must be 5000 characters or fewer'),
            },
          ],
        },
        {
          slug: 'signatures',
          title: 'When was the report signed?',
          fields: [
            signature('signedByTutor', 'Signed by the induction tutor'),
            signature('signedByHead', 'Signed by the headteacher'),
            signature('signedByEct', 'Signed by the ECT'),
          ],
        },
      ],
      submit: async (answers, principal, idempotencyKey, id) => {
        const name = await ectNameFor(services, principal, id);
        const request = plainToInstance(RecordFormalAssessmentRequestDto, {
          point: answers['point'],
          assessedOn: answers['assessedOn'],
          assessor: { role: answers['assessorRole'], email: answers['assessorEmail'] },
          standards: Object.fromEntries(STANDARDS.map((s) => [s.id, answers[s.id]])),
          recommendation: answers['recommendation'],
          evidence: answers['evidence'],
          ectComment: answers['ectComment'] || undefined,
          signedOn: {
            inductionTutor: answers['signedByTutor'],
            head: answers['signedByHead'],
            ect: answers['signedByEct'],
          },
        });
        await services.execute(
          principal,
          (context) => new RecordFormalAssessmentCommand(id.toLowerCase(), request, context),
          idempotencyKey,
        );
        return {
          title: 'Formal assessment submitted',
          id: id.toLowerCase(),
          name,
          point: POINTS.find((p) => p.value === request.point)!.text.toLowerCase(),
          final: request.point === 'final' ? 'yes' : 'no',
        };
      },
    }),
  );

  router.use(
    questionFlow({
      name: 'interim-assessment',
      basePath: '/ects/:id/interim-assessment',
      roles: ['induction_tutor', 'hub_staff'],
      caption: 'Interim assessment',
      backTo: '/ects/:id',
      load: ectCaption(services, 'Interim assessment'),
      checkTitle: 'Check the interim assessment before submitting it',
      submitText: 'Submit interim assessment',
      steps: [
        {
          slug: 'assessment',
          title: 'Interim assessment',
          fields: [
            {
              name: 'assessedOn',
              label: 'Date of the assessment',
              hint: 'For example, 16 1 2026',
              kind: 'date',
              show: govukDate,
              validate: realDate('Enter the date of the assessment', 'Date of the assessment'),
            },
            {
              name: 'progress',
              label: 'Progress against the Teachers’ Standards',
              hint: 'The service adds the FTE terms served and the days absent since the last assessment (R13)',
              kind: 'textarea',
              validate: maxLength(
                10000,
                'Enter the ECT’s progress against the Teachers’ Standards',
                'Progress must be 10000 characters or fewer',
              ),
            },
          ],
        },
      ],
      submit: async (answers, principal, idempotencyKey, id) => {
        const name = await ectNameFor(services, principal, id);
        const request = plainToInstance(RecordInterimAssessmentRequestDto, {
          assessedOn: answers['assessedOn'],
          progress: answers['progress'],
        });
        await services.execute(
          principal,
          (context) => new RecordInterimAssessmentCommand(id.toLowerCase(), request, context),
          idempotencyKey,
        );
        return { title: 'Interim assessment submitted', id: id.toLowerCase(), name };
      },
    }),
  );
  return router;
}
