/**
 * A GOV.UK question flow: question pages → check your answers → submit → confirmation panel. Answers live
 * in the session (`drafts[name]`) until submitted; the draft's idempotency key goes with the command, so a
 * double-clicked submit appends once. Each flow declares its steps and fields and what submitting does.
 */
import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Principal, Role } from '../../auth/principal.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import { commandErrorMessages, errorSummary, type FieldErrors } from './form-errors.js';
import { formText, readDateInput } from './form-input.js';

export interface Choice {
  value: string;
  text: string;
}

export interface Field {
  name: string;
  label: string;
  hint?: string;
  kind: 'text' | 'email' | 'date' | 'radios' | 'select' | 'textarea';
  /** GOV.UK input width class, e.g. govuk-input--width-10. */
  width?: string;
  autocomplete?: string;
  spellcheck?: boolean;
  inputmode?: 'numeric' | 'decimal';
  choices?: (principal: Principal) => Promise<Choice[]> | Choice[];
  /** The answer as the check-answers page shows it (defaults to the value, or the choice's text). */
  show?: (value: string) => string;
  /** The error message (GOV.UK words), or null when the answer is fine. */
  validate: (value: string, answers: Record<string, string>) => string | null;
}

export interface Step {
  slug: string;
  title: string;
  caption?: string;
  fields: Field[];
  /** Skip the step (e.g. a tutor with one school does not choose it); `prefill` gives its answers. */
  skip?: (principal: Principal, choices: Choice[][]) => boolean;
}

export interface FlowOptions {
  name: string;
  basePath: string;
  roles: Role[];
  caption: string;
  steps: Step[];
  checkTitle: string;
  submitText: string;
  /** Sends the command; returns the confirmation page's view model. */
  submit: (
    answers: Record<string, string>,
    principal: Principal,
    idempotencyKey: string,
    id: string,
  ) => Promise<object>;
  /** Where "Back" from the first page goes (`:id` is the route's id). */
  backTo: string;
  /**
   * Runs before every page of the flow: checks the user may act on the route's subject (throw a 404 when not)
   * and returns words for the pages, e.g. `{ caption: 'Ada Lovelace' }`.
   */
  load?: (principal: Principal, id: string) => Promise<{ caption?: string }>;
}

export function questionFlow(flow: FlowOptions): Router {
  const router = Router();
  const guard = requireRole(...flow.roles);
  const idOf = (req: Request) => String(req.params['id'] ?? '');
  const keyOf = (req: Request) => `${flow.name}:${idOf(req)}`;
  const baseOf = (req: Request) => flow.basePath.replace(':id', idOf(req));
  const draftOf = (req: Request) => {
    req.session.drafts ??= {};
    req.session.drafts[keyOf(req)] ??= { _key: randomUUID() };
    return req.session.drafts[keyOf(req)]!;
  };
  /** The subject's check (scope) and words, before anything else on every page. */
  const loaded = async (req: Request, res: Response) => {
    const extra = flow.load ? await flow.load(principalOf(req), idOf(req)) : {};
    res.locals['caption'] = extra.caption ?? flow.caption;
  };

  const stepChoices = (step: Step, principal: Principal) =>
    Promise.all(step.fields.map(async (f) => (f.choices ? await f.choices(principal) : [])));

  /** The steps this user answers, with the choices each field offers them. */
  const activeSteps = async (principal: Principal) => {
    const result: { step: Step; choices: Choice[][] }[] = [];
    for (const step of flow.steps) {
      const choices = await stepChoices(step, principal);
      if (!step.skip?.(principal, choices)) result.push({ step, choices });
    }
    return result;
  };

  const renderStep = (
    req: Request,
    res: Response,
    step: Step,
    choices: Choice[][],
    values: Record<string, string>,
    errors: FieldErrors,
    backLink: string,
  ) => {
    const fields = step.fields.map((field, i) => fieldView(field, choices[i]!, values, errors[field.name]));
    res.status(Object.keys(errors).length ? 400 : 200).render('pages/question', {
      pageTitle: step.title,
      heading: step.title,
      fields,
      errors,
      errorList: errorSummary(
        errors,
        step.fields.filter((f) => f.kind === 'date').map((f) => f.name),
      ),
      backLink,
      action: `${baseOf(req)}/${step.slug}`,
    });
  };

  router.get(flow.basePath, guard, async (req, res) => {
    await loaded(req, res);
    delete req.session.drafts?.[keyOf(req)];
    res.redirect(303, `${baseOf(req)}/${flow.steps[0]!.slug}`);
  });

  router.get(`${flow.basePath}/check`, guard, async (req, res) => {
    await loaded(req, res);
    await renderCheck(req, res, principalOf(req), []);
  });

  router.post(`${flow.basePath}/check`, guard, async (req, res) => {
    await loaded(req, res);
    const principal = principalOf(req);
    const draft = draftOf(req);
    const steps = await activeSteps(principal);
    const missing = steps.find(({ step }) => step.fields.some((f) => draft[f.name] === undefined));
    if (missing) return res.redirect(303, `${baseOf(req)}/${missing.step.slug}`);
    try {
      const confirmation = await flow.submit(draft, principal, draft['_key']!, idOf(req));
      delete req.session.drafts![keyOf(req)];
      req.session.drafts![`${keyOf(req)}:done`] = Object.fromEntries(
        Object.entries(confirmation).map(([k, v]) => [k, String(v)]),
      );
      res.redirect(303, `${baseOf(req)}/confirmation`);
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) throw error;
      // A refused command must not block a corrected retry: the next attempt gets a fresh key.
      draft['_key'] = randomUUID();
      await renderCheck(req, res, principal, messages);
    }
  });

  router.get(`${flow.basePath}/confirmation`, guard, async (req, res) => {
    await loaded(req, res);
    const done = req.session.drafts?.[`${keyOf(req)}:done`];
    if (!done) return res.redirect(303, baseOf(req));
    res.render(`pages/${flow.name}-confirmation`, { pageTitle: done['title'], ...done });
  });

  for (const step of flow.steps) {
    const path = `${flow.basePath}/${step.slug}`;
    const back = async (req: Request, changing: boolean) => {
      if (changing) return `${baseOf(req)}/check`;
      const steps = await activeSteps(principalOf(req));
      const position = steps.findIndex((s) => s.step === step);
      return position > 0
        ? `${baseOf(req)}/${steps[position - 1]!.step.slug}`
        : flow.backTo.replace(':id', idOf(req));
    };

    router.get(path, guard, async (req, res) => {
      await loaded(req, res);
      const draft = draftOf(req);
      const choices = await stepChoices(step, principalOf(req));
      renderStep(req, res, step, choices, draft, {}, await back(req, req.query['change'] === '1'));
    });

    router.post(path, guard, async (req, res) => {
      await loaded(req, res);
      const principal = principalOf(req);
      const draft = draftOf(req);
      const body = req.body as Record<string, unknown>;
      const choices = await stepChoices(step, principal);
      const values: Record<string, string> = {};
      const errors: FieldErrors = {};
      step.fields.forEach((field, i) => {
        const value = readField(field, body);
        values[field.name] = value;
        if (field.kind === 'date') {
          for (const part of ['day', 'month', 'year']) {
            values[`${field.name}-${part}`] = text(body[`${field.name}-${part}`]);
          }
        }
        const allowed = choices[i]!;
        const problem =
          field.validate(value, { ...draft, ...values }) ??
          (allowed.length > 0 && value !== '' && !allowed.some((c) => c.value === value)
            ? field.validate('', { ...draft, ...values })
            : null);
        if (problem) errors[field.name] = problem;
      });
      if (Object.keys(errors).length > 0) {
        return renderStep(req, res, step, choices, values, errors, await back(req, body['change'] === '1'));
      }
      Object.assign(draft, values);
      const steps = await activeSteps(principal);
      const next = steps
        .slice(steps.findIndex((s) => s.step === step) + 1)
        .find(({ step: s }) => s.fields.some((f) => draft[f.name] === undefined));
      res.redirect(
        303,
        next && body['change'] !== '1' ? `${baseOf(req)}/${next.step.slug}` : `${baseOf(req)}/check`,
      );
    });
  }

  async function renderCheck(req: Request, res: Response, principal: Principal, messages: string[]) {
    const draft = draftOf(req);
    const steps = await activeSteps(principal);
    const missing = steps.find(({ step }) => step.fields.some((f) => draft[f.name] === undefined));
    if (missing) return res.redirect(303, `${baseOf(req)}/${missing.step.slug}`);
    const rows = steps.flatMap(({ step, choices }) =>
      step.fields.map((field, i) => ({
        key: { text: field.label },
        value: { text: display(field, choices[i]!, draft[field.name] ?? '') || 'None' },
        actions: {
          items: [
            {
              href: `${baseOf(req)}/${step.slug}?change=1`,
              text: 'Change',
              visuallyHiddenText: field.label.toLowerCase(),
            },
          ],
        },
      })),
    );
    res.status(messages.length ? 400 : 200).render('pages/check-answers', {
      pageTitle: flow.checkTitle,
      heading: flow.checkTitle,
      rows,
      submitText: flow.submitText,
      action: `${baseOf(req)}/check`,
      errorList: messages.map((text) => ({ text, href: '#submit' })),
      backLink: `${baseOf(req)}/${steps[steps.length - 1]!.step.slug}`,
    });
  }

  return router;
}

const text = formText;

/** A date's three inputs as YYYY-MM-DD ("" when all are empty; the raw parts when not a number). */
function readField(field: Field, body: Record<string, unknown>): string {
  if (field.kind !== 'date') return text(body[field.name]);
  return readDateInput(body, field.name);
}

function display(field: Field, choices: Choice[], value: string): string {
  if (field.show) return field.show(value);
  return choices.find((c) => c.value === value)?.text ?? value;
}

function fieldView(
  field: Field,
  choices: Choice[],
  values: Record<string, string>,
  error: string | undefined,
) {
  const value = values[field.name] ?? '';
  const [year, month, day] = /^\d{4}-\d{2}-\d{2}$/.test(value) ? value.split('-') : [];
  return {
    ...field,
    choices: undefined,
    value,
    day: values[`${field.name}-day`] ?? (day ? String(Number(day)) : ''),
    month: values[`${field.name}-month`] ?? (month ? String(Number(month)) : ''),
    year: values[`${field.name}-year`] ?? year ?? '',
    items: choices.map((c) => ({
      value: c.value,
      text: c.text,
      checked: c.value === value,
      selected: c.value === value,
    })),
    error,
  };
}
