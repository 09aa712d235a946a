/**
 * Change the ECT's mentor from a date (R22: the mentor holds QTS and is not the induction tutor). Sends the
 * API's ChangeMentorCommand; the previous mentor stays in the history. Another school's ECT is a 404.
 */
import { plainToInstance } from 'class-transformer';
import { ChangeMentorCommand } from '../../ects/change-mentor/change-mentor.handler.js';
import { ChangeMentorRequestDto } from '../../ects/change-mentor/change-mentor.request.dto.js';
import { email, maxLength, realDate, required } from '../forms/answers.js';
import { questionFlow } from '../forms/question-flow.js';
import { govukDate } from '../view-models/format.js';
import type { WebServices } from '../web-services.js';
import { ectCaption, ectNameFor } from './ect-flow-support.js';

export function changeMentorRoutes(services: WebServices) {
  return questionFlow({
    name: 'change-mentor',
    basePath: '/ects/:id/mentor',
    roles: ['induction_tutor', 'hub_staff'],
    caption: 'Change mentor',
    backTo: '/ects/:id',
    load: ectCaption(services, 'Change mentor'),
    checkTitle: 'Check the new mentor’s details',
    submitText: 'Change mentor',
    steps: [
      {
        slug: 'mentor',
        title: 'Who is the new mentor?',
        fields: [
          {
            name: 'name',
            label: 'Mentor’s full name',
            kind: 'text',
            autocomplete: 'off',
            validate: maxLength(
              200,
              'Enter the mentor’s full name',
              'Mentor’s name must be 200 characters or fewer',
            ),
          },
          {
            name: 'email',
            label: 'Mentor’s email address',
            kind: 'email',
            autocomplete: 'off',
            spellcheck: false,
            validate: email('Enter the mentor’s email address'),
          },
          {
            name: 'hasQts',
            label: 'Does the mentor hold QTS?',
            hint: 'Mentors must hold qualified teacher status (R22)',
            kind: 'radios',
            choices: () => [
              { value: 'yes', text: 'Yes' },
              { value: 'no', text: 'No' },
            ],
            validate: required('Select yes if the mentor holds QTS'),
          },
          {
            name: 'from',
            label: 'Date the new mentor starts',
            hint: 'For example, 2 2 2026',
            kind: 'date',
            show: govukDate,
            validate: realDate('Enter the date the new mentor starts', 'Date the new mentor starts'),
          },
        ],
      },
    ],
    submit: async (answers, principal, idempotencyKey, id) => {
      const ectName = await ectNameFor(services, principal, id);
      const request = plainToInstance(ChangeMentorRequestDto, {
        name: answers['name'],
        email: answers['email'],
        hasQts: answers['hasQts'] === 'yes',
        from: answers['from'],
      });
      await services.execute(
        principal,
        (context) => new ChangeMentorCommand(id.toLowerCase(), request, context),
        idempotencyKey,
      );
      return {
        title: 'Mentor changed',
        id: id.toLowerCase(),
        name: ectName,
        mentor: request.name,
        from: govukDate(request.from),
      };
    },
  });
}
