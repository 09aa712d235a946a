/** Hub staff keep the AB's register of schools: the list, and adding a school (question, check, confirmation). */
import { plainToInstance } from 'class-transformer';
import { Router } from 'express';
import { AddSchoolCommand } from '../../schools/add-school/add-school.handler.js';
import { AddSchoolRequestDto, SCHOOL_PHASES } from '../../schools/add-school/add-school.request.dto.js';
import { questionFlow } from '../forms/question-flow.js';
import { matching, maxLength, required } from '../forms/answers.js';
import { requireRole } from '../middleware/current-user.js';
import type { WebServices } from '../web-services.js';

const PHASE_NAMES: Record<(typeof SCHOOL_PHASES)[number], string> = {
  nursery: 'Nursery',
  primary: 'Primary',
  middle: 'Middle',
  secondary: 'Secondary',
  'all-through': 'All-through',
  special: 'Special',
  'alternative-provision': 'Alternative provision',
  'sixteen-plus': '16 plus',
};

export function schoolRoutes(services: WebServices): Router {
  const router = Router();

  router.get('/schools', requireRole('hub_staff'), async (_req, res) => {
    const schools = await services.schools.all();
    res.render('pages/schools', {
      pageTitle: 'Schools',
      schools: schools.map((s) => ({
        ...s,
        phaseName: PHASE_NAMES[s.phase as keyof typeof PHASE_NAMES] ?? s.phase,
      })),
    });
  });

  router.use(
    questionFlow({
      name: 'add-school',
      basePath: '/schools/add',
      roles: ['hub_staff'],
      caption: 'Add a school',
      backTo: '/schools',
      checkTitle: 'Check the school’s details before adding it',
      submitText: 'Add school',
      steps: [
        {
          slug: 'details',
          title: 'What are the school’s details?',
          fields: [
            {
              name: 'urn',
              label: 'Unique reference number (URN)',
              hint: '6 digits, for example 123456',
              kind: 'text',
              width: 'govuk-input--width-10',
              inputmode: 'numeric',
              spellcheck: false,
              validate: matching(/^\d{6}$/, 'Enter the school’s URN', 'URN must be 6 digits, like 123456'),
            },
            {
              name: 'name',
              label: 'School name',
              kind: 'text',
              validate: maxLength(
                200,
                'Enter the school’s name',
                'School name must be 200 characters or fewer',
              ),
            },
            {
              name: 'phase',
              label: 'Phase',
              kind: 'select',
              choices: () => SCHOOL_PHASES.map((p) => ({ value: p, text: PHASE_NAMES[p] })),
              validate: required('Select the school’s phase'),
            },
            {
              name: 'localAuthority',
              label: 'Local authority',
              kind: 'text',
              validate: maxLength(
                100,
                'Enter the school’s local authority',
                'Local authority must be 100 characters or fewer',
              ),
            },
          ],
        },
      ],
      submit: async (answers, principal, idempotencyKey) => {
        const request = plainToInstance(AddSchoolRequestDto, {
          urn: answers['urn'],
          name: answers['name'],
          phase: answers['phase'],
          localAuthority: answers['localAuthority'],
        });
        await services.execute(
          principal,
          (context) => new AddSchoolCommand(request, context),
          idempotencyKey,
        );
        return { title: 'School added', name: request.name, urn: request.urn };
      },
    }),
  );

  return router;
}
