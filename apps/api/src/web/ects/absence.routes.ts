/**
 * Absences from the web (R8, R9, R10): record an absence (ad hoc or statutory leave, with the ECT's R9 choice
 * when they have made it), and record that choice later for statutory leave still waiting for it. Both send
 * the API's commands (RecordAbsenceCommand, ChooseLeaveExtensionCommand); another school's ECT is a 404.
 */
import { NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { AD_HOC_ABSENCE_REASONS } from '#induction/induction/ect.events.js';
import { ChooseLeaveExtensionCommand } from '../../ects/choose-leave-extension/choose-leave-extension.handler.js';
import { ChooseLeaveExtensionRequestDto } from '../../ects/choose-leave-extension/choose-leave-extension.request.dto.js';
import { RecordAbsenceCommand } from '../../ects/record-absence/record-absence.handler.js';
import { RecordAbsenceRequestDto } from '../../ects/record-absence/record-absence.request.dto.js';
import { commandErrorMessages } from '../forms/form-errors.js';
import { matching, realDate, required } from '../forms/answers.js';
import { questionFlow } from '../forms/question-flow.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import { govukDate } from '../view-models/format.js';
import type { WebServices } from '../web-services.js';
import { everyPage } from '../view-models/pagination.js';
import { ectCaption, ectNameFor, notBefore } from './ect-flow-support.js';

export const ABSENCE_REASON_NAMES: Record<string, string> = {
  illness: 'Illness',
  other: 'Other ad hoc absence',
  maternity: 'Maternity leave',
  paternity: 'Paternity leave',
  adoption: 'Adoption leave',
  'shared-parental': 'Shared parental leave',
  'parental-bereavement': 'Parental bereavement leave',
  carers: 'Carer’s leave',
};
const isAdHoc = (reason: string) => (AD_HOC_ABSENCE_REASONS as readonly string[]).includes(reason);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CHOICES = [
  { value: 'yes', text: 'Yes, extend induction by the leave' },
  { value: 'no', text: 'No, do not extend induction' },
];

export function absenceRoutes(services: WebServices): Router {
  const router = Router();
  router.use(
    questionFlow({
      name: 'record-absence',
      basePath: '/ects/:id/absence',
      roles: ['induction_tutor', 'hub_staff'],
      caption: 'Record an absence',
      backTo: '/ects/:id',
      load: ectCaption(services, 'Absence'),
      checkTitle: 'Check the absence before recording it',
      submitText: 'Record absence',
      steps: [
        {
          slug: 'absence',
          title: 'About the absence',
          fields: [
            {
              name: 'reason',
              label: 'Why was the ECT absent?',
              hint: 'Illness and other ad hoc absence count towards the 30 days in a year (R8); statutory leave does not (R9)',
              kind: 'radios',
              choices: () => Object.entries(ABSENCE_REASON_NAMES).map(([value, text]) => ({ value, text })),
              validate: required('Select why the ECT was absent'),
            },
            {
              name: 'from',
              label: 'First day of the absence',
              hint: 'For example, 12 1 2026',
              kind: 'date',
              show: govukDate,
              validate: realDate('Enter the first day of the absence', 'First day of the absence'),
            },
            {
              name: 'to',
              label: 'Last day of the absence',
              hint: 'For example, 16 1 2026',
              kind: 'date',
              show: govukDate,
              validate: (value, answers) =>
                realDate('Enter the last day of the absence', 'Last day of the absence')(value) ??
                notBefore('from', 'Last day of the absence must be the same as or after the first day')(
                  value,
                  answers,
                ),
            },
            {
              name: 'days',
              label: 'Days absent',
              hint: 'Days the ECT was contracted to work but did not, between 1 and 366',
              kind: 'text',
              width: 'govuk-input--width-3',
              inputmode: 'numeric',
              validate: (value) =>
                matching(
                  /^\d{1,3}$/,
                  'Enter the days absent',
                  'Days absent must be a whole number, like 5',
                )(value) ??
                (Number(value) >= 1 && Number(value) <= 366 ? null : 'Days absent must be between 1 and 366'),
            },
          ],
        },
        {
          slug: 'leave-choice',
          title: 'Has the ECT chosen to extend induction by this leave?',
          fields: [
            {
              name: 'extendForLeave',
              label: 'Has the ECT chosen to extend induction by this leave?',
              hint: 'Statutory leave only: the ECT may choose to extend induction by it (R9). They can choose later.',
              kind: 'radios',
              choices: () => [...CHOICES, { value: 'later', text: 'Not chosen yet, or not statutory leave' }],
              validate: (value, answers) =>
                value === ''
                  ? 'Select whether the ECT has chosen to extend induction'
                  : value !== 'later' && isAdHoc(answers['reason'] ?? '')
                    ? 'Select ‘Not chosen yet, or not statutory leave’: only statutory leave can extend induction this way'
                    : null,
            },
          ],
        },
      ],
      submit: async (answers, principal, idempotencyKey, id) => {
        const name = await ectNameFor(services, principal, id);
        const choice = answers['extendForLeave'];
        const request = plainToInstance(RecordAbsenceRequestDto, {
          from: answers['from'],
          to: answers['to'],
          days: Number(answers['days']),
          reason: answers['reason'],
          ...(choice === 'yes' || choice === 'no' ? { extendForLeave: choice === 'yes' } : {}),
        });
        await services.execute(
          principal,
          (context) => new RecordAbsenceCommand(id.toLowerCase(), request, context),
          idempotencyKey,
        );
        return {
          title: 'Absence recorded',
          id: id.toLowerCase(),
          name,
          days: request.days,
          reason: ABSENCE_REASON_NAMES[request.reason] ?? request.reason,
          choicePending: !isAdHoc(request.reason) && request.extendForLeave === undefined ? 'yes' : 'no',
        };
      },
    }),
  );

  /** The ECT's R9 choice for one statutory leave still waiting for it. */
  const choicePath = '/ects/:id/absences/:absenceId/leave-choice';
  const loadChoice = async (req: Parameters<Parameters<typeof router.get>[1]>[0]) => {
    const principal = principalOf(req);
    const id = String(req.params['id']);
    const absenceId = String(req.params['absenceId']).toLowerCase();
    const name = await ectNameFor(services, principal, id);
    if (!UUID.test(absenceId)) throw new NotFoundException();
    const ect = await services.ects.get(principal, id.toLowerCase());
    if (!((ect['leaveChoicesPending'] as string[] | undefined) ?? []).includes(absenceId)) {
      throw new NotFoundException();
    }
    // The whole timeline: an ECT with a long induction has more than one read-model page of events.
    const events = {
      items: await everyPage((page, pageSize) =>
        services.auditTrail.list(principal, ect.id, { page, pageSize }),
      ),
    };
    const recorded = events.items.find(
      (e) => e.type === 'AbsenceRecorded' && e.data['absenceId'] === absenceId,
    )?.data;
    const leave = recorded
      ? `${ABSENCE_REASON_NAMES[String(recorded['reason'])] ?? recorded['reason']} from ${govukDate(recorded['from'])} to ${govukDate(recorded['to'])}`
      : 'Statutory leave';
    return { id: ect.id, absenceId, name, leave };
  };
  const renderChoice = (
    res: Parameters<Parameters<typeof router.get>[1]>[1],
    view: Awaited<ReturnType<typeof loadChoice>>,
    errors: string[],
    value = '',
  ) =>
    res.status(errors.length ? 400 : 200).render('pages/leave-choice', {
      ...view,
      pageTitle: 'Has the ECT chosen to extend induction by this leave?',
      backLink: `/ects/${view.id}`,
      action: `/ects/${view.id}/absences/${view.absenceId}/leave-choice`,
      items: CHOICES.map((c) => ({ ...c, checked: c.value === value })),
      error: errors[0],
      errorList: errors.map((text) => ({ text, href: '#extend' })),
    });

  router.get(choicePath, requireRole('induction_tutor', 'hub_staff'), async (req, res) => {
    renderChoice(res, await loadChoice(req), []);
  });

  router.post(choicePath, requireRole('induction_tutor', 'hub_staff'), async (req, res) => {
    const view = await loadChoice(req);
    const value = String((req.body as Record<string, unknown>)['extend'] ?? '');
    if (value !== 'yes' && value !== 'no') {
      return renderChoice(res, view, ['Select whether the ECT has chosen to extend induction']);
    }
    const request = plainToInstance(ChooseLeaveExtensionRequestDto, { extend: value === 'yes' });
    try {
      await services.execute(
        principalOf(req),
        (context) => new ChooseLeaveExtensionCommand(view.id, view.absenceId, request, context),
        randomUUID(),
      );
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) throw error;
      return renderChoice(res, view, messages, value);
    }
    res.render('pages/leave-choice-confirmation', {
      pageTitle: 'The ECT’s choice is recorded',
      ...view,
      extend: value === 'yes',
    });
  });

  return router;
}
