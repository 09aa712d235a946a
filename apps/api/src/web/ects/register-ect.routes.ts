/**
 * Register an ECT (R20) from the web: three question pages, check answers, confirmation. Submitting sends
 * the API's own RegisterEctCommand, so the rules, scope checks and events are the same as `POST /api/v1/ects`.
 */
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { BadRequestException } from '@nestjs/common';
import { RegisterEctCommand } from '../../ects/register-ect/register-ect.command.js';
import { RegisterEctRequestDto } from '../../ects/register-ect/register-ect.request.dto.js';
import { questionFlow } from '../forms/question-flow.js';
import { decimalBetween, email, matching, maxLength, realDate, required } from '../forms/answers.js';
import { govukDate } from '../view-models/format.js';
import type { WebServices } from '../web-services.js';

export function registerEctRoutes(services: WebServices) {
  return questionFlow({
    name: 'register-ect',
    basePath: '/ects/register',
    roles: ['induction_tutor', 'hub_staff'],
    caption: 'Register an ECT',
    backTo: '/ects',
    checkTitle: 'Check your answers before registering the ECT',
    submitText: 'Register ECT',
    steps: [
      {
        slug: 'ect',
        title: 'What are the ECT’s details?',
        fields: [
          {
            name: 'trn',
            label: 'Teacher reference number (TRN)',
            hint: '7 digits, for example 1234567',
            kind: 'text',
            width: 'govuk-input--width-10',
            inputmode: 'numeric',
            spellcheck: false,
            validate: matching(/^\d{7}$/, 'Enter the ECT’s TRN', 'TRN must be 7 digits, like 1234567'),
          },
          {
            name: 'firstName',
            label: 'First name',
            kind: 'text',
            autocomplete: 'off',
            spellcheck: false,
            validate: maxLength(
              100,
              'Enter the ECT’s first name',
              'First name must be 100 characters or fewer',
            ),
          },
          {
            name: 'lastName',
            label: 'Last name',
            kind: 'text',
            autocomplete: 'off',
            spellcheck: false,
            validate: maxLength(
              100,
              'Enter the ECT’s last name',
              'Last name must be 100 characters or fewer',
            ),
          },
          {
            name: 'dateOfBirth',
            label: 'Date of birth',
            hint: 'For example, 27 3 1998',
            kind: 'date',
            show: govukDate,
            validate: realDate('Enter the ECT’s date of birth', 'Date of birth'),
          },
          {
            name: 'email',
            label: 'Email address',
            kind: 'email',
            autocomplete: 'off',
            spellcheck: false,
            validate: email('Enter the ECT’s email address'),
          },
        ],
      },
      {
        slug: 'school',
        title: 'Which school is the ECT at?',
        fields: [
          {
            name: 'schoolUrn',
            label: 'School',
            kind: 'select',
            choices: async (principal) =>
              (await services.schools.visibleTo(principal)).map((s) => ({
                value: s.urn,
                text: `${s.name} (URN ${s.urn})`,
              })),
            validate: required('Select the ECT’s school'),
          },
        ],
        // A tutor at one school registers ECTs there; nobody chooses from a list of one.
        skip: (principal, choices) => principal.role === 'induction_tutor' && (choices[0]?.length ?? 0) <= 1,
      },
      {
        slug: 'induction',
        title: 'About the ECT’s induction',
        fields: [
          {
            name: 'startDate',
            label: 'Induction start date',
            hint: 'For example, 1 9 2026',
            kind: 'date',
            show: govukDate,
            validate: realDate('Enter the induction start date', 'Induction start date'),
          },
          {
            name: 'qtsAwardedOn',
            label: 'Date QTS was awarded',
            hint: 'On or before the induction start date',
            kind: 'date',
            show: govukDate,
            validate: realDate('Enter the date QTS was awarded', 'Date QTS was awarded'),
          },
          {
            name: 'fte',
            label: 'Full-time equivalent (FTE)',
            hint: 'Between 0.1 and 1.0, for example 1 for full time or 0.6',
            kind: 'text',
            width: 'govuk-input--width-4',
            inputmode: 'decimal',
            validate: decimalBetween(
              0.1,
              1,
              'Enter the ECT’s FTE',
              'FTE must be a number between 0.1 and 1.0',
            ),
          },
          {
            name: 'programme',
            label: 'Training programme',
            kind: 'radios',
            choices: () => [
              { value: 'provider-led', text: 'Provider-led' },
              { value: 'school-led', text: 'School-led' },
            ],
            validate: required('Select the ECT’s training programme'),
          },
        ],
      },
      {
        slug: 'contacts',
        title: 'Who are the ECT’s mentor and induction tutor?',
        fields: [
          {
            name: 'mentorName',
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
            name: 'mentorEmail',
            label: 'Mentor’s email address',
            kind: 'email',
            autocomplete: 'off',
            spellcheck: false,
            validate: email('Enter the mentor’s email address'),
          },
          {
            name: 'tutorName',
            label: 'Induction tutor’s full name',
            kind: 'text',
            autocomplete: 'off',
            validate: maxLength(
              200,
              'Enter the induction tutor’s full name',
              'Induction tutor’s name must be 200 characters or fewer',
            ),
          },
          {
            name: 'tutorEmail',
            label: 'Induction tutor’s email address',
            kind: 'email',
            autocomplete: 'off',
            spellcheck: false,
            validate: email('Enter the induction tutor’s email address'),
          },
        ],
      },
    ],
    submit: async (answers, principal, idempotencyKey) => {
      const schoolUrn = answers['schoolUrn'] || principal.schoolUrns[0] || '';
      const request = plainToInstance(RegisterEctRequestDto, {
        trn: answers['trn'],
        firstName: answers['firstName'],
        lastName: answers['lastName'],
        dateOfBirth: answers['dateOfBirth'],
        email: answers['email'],
        schoolUrn,
        qtsAwardedOn: answers['qtsAwardedOn'],
        startDate: answers['startDate'],
        fte: Number(answers['fte']),
        programme: answers['programme'],
        mentor: { name: answers['mentorName'], email: answers['mentorEmail'] },
        inductionTutor: { name: answers['tutorName'], email: answers['tutorEmail'] },
      });
      const problems = await validate(request);
      if (problems.length > 0) {
        throw new BadRequestException(
          problems.flatMap((p) => [
            ...Object.values(p.constraints ?? {}),
            ...(p.children ?? []).flatMap((c) => Object.values(c.constraints ?? {})),
          ]),
        );
      }
      const accepted = await services.execute(
        principal,
        (context) => new RegisterEctCommand(request, context),
        idempotencyKey,
      );
      return {
        title: 'ECT registered',
        id: accepted.id,
        name: `${request.firstName} ${request.lastName}`,
        startDate: govukDate(request.startDate),
      };
    },
  });
}
