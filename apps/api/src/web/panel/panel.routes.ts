/**
 * The AB panel's pages (issue 6): the cases awaiting a decision with their statutory deadlines (R16 decide by,
 * R17 notify by, R18 appeal by), one case with every review, assessment, recommendation and representation, and
 * the form that records the panel's decision. The form sends the API's RecordPanelDecisionCommand, so the
 * panel's rules (quorum, R21 conflicts, a majority) and the AB decision's own (R16) refuse exactly as the API
 * does; a refusal is shown in the error summary with members named rather than by id.
 */
import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import type { PanelCaseRecordRow, PanelMeetingRow } from '#read-models/panel/panel-cases.projection.js';
import { RecordPanelDecisionCommand } from '../../panel/record-panel-decision/record-panel-decision.handler.js';
import { RecordPanelDecisionRequestDto } from '../../panel/record-panel-decision/record-panel-decision.request.dto.js';
import type { PanelCase, PanelCasesFilter, PanelQueries } from '../../panel/panel-queries.js';
import { commandErrorMessages, errorSummary, type FieldErrors } from '../forms/form-errors.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import { govukDate } from '../view-models/format.js';
import {
  everyPage,
  pageHref,
  pageWithin,
  paginationLinks,
  requestedPage,
  showing,
  type PaginationLinks,
} from '../view-models/pagination.js';
import type { WebServices } from '../web-services.js';
import { escapeHtml, isRealDate, readDateInput as readDate } from '../forms/form-input.js';

/** Panel cases a page, for each of the page's two lists (GOV.UK pagination, as the other long lists). */
export const PAGE_SIZE = 50;
const OUTCOMES: Record<string, string> = { pass: 'Pass', fail: 'Fail', extend: 'Extend induction' };
const RECOMMENDATIONS: Record<string, string> = {
  satisfactory: 'Satisfactory (pass)',
  unsatisfactory: 'Unsatisfactory (fail)',
  extension: 'Extension',
};

const labelled = (links: PaginationLinks | null, landmarkLabel: string) =>
  links && { ...links, landmarkLabel };
const nameOf = (c: Pick<PanelCase, 'firstName' | 'lastName'>) =>
  [c.firstName, c.lastName].filter(Boolean).join(' ') || 'Name erased';
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(text).filter(Boolean);

export function panelRoutes(services: WebServices, panel: PanelQueries): Router {
  const router = Router();
  const guard = requireRole('panel_member', 'hub_staff');

  router.get('/panel/cases', guard, async (req, res) => {
    // Filters the page keeps in its page links; anything else in the query is ignored.
    const schoolUrn = /^\d{6}$/.test(text(req.query['schoolUrn'])) ? text(req.query['schoolUrn']) : undefined;
    const recommendation = RECOMMENDATIONS[text(req.query['recommendation'])]
      ? text(req.query['recommendation'])
      : undefined;
    const filters = { schoolUrn, recommendation };
    /** One page of cases, filtered and counted by the read model; a page past the end is the last page. */
    const pageOfCases = async (filter: PanelCasesFilter, requested: number) => {
      const first = await panel.cases({ ...filter, ...filters, page: requested, pageSize: PAGE_SIZE });
      const { page, pages } = pageWithin(requested, PAGE_SIZE, first.total);
      const cases =
        page === requested ? first : await panel.cases({ ...filter, ...filters, page, pageSize: PAGE_SIZE });
      return { cases, page, pages };
    };
    const [awaiting, decided] = await Promise.all([
      pageOfCases({ status: 'awaiting-decision' }, requestedPage(req.query['page'])),
      pageOfCases({ status: 'decided', outstanding: true }, requestedPage(req.query['decidedPage'])),
    ]);
    // Each list's links keep the filters and where the other list is.
    const kept = {
      ...filters,
      page: awaiting.page > 1 ? awaiting.page : undefined,
      decidedPage: decided.page > 1 ? decided.page : undefined,
    };
    await services.accessLog.record(
      principalOf(req),
      [...awaiting.cases.items, ...decided.cases.items].map((c) => c.ectId),
      'panel-cases-list',
      req,
    );
    res.render('pages/panel-cases', {
      pageTitle: 'Panel cases',
      filters,
      awaiting: awaiting.cases.items.map((c) => ({ ...c, name: nameOf(c) })),
      awaitingShowing: showing(awaiting.page, PAGE_SIZE, awaiting.cases.total, 'cases'),
      // Two lists on one page: each pagination landmark is named for its list.
      awaitingPagination: labelled(
        paginationLinks(awaiting.page, awaiting.pages, pageHref('/panel/cases', kept, 'page')),
        'Cases awaiting a decision: pages',
      ),
      decided: decided.cases.items.map((c) => ({
        ...c,
        name: nameOf(c),
        outcomeText: OUTCOMES[c.outcome ?? ''] ?? c.outcome,
      })),
      decidedShowing: showing(decided.page, PAGE_SIZE, decided.cases.total, 'cases'),
      decidedPagination: labelled(
        paginationLinks(decided.page, decided.pages, pageHref('/panel/cases', kept, 'decidedPage')),
        'Decided cases: pages',
      ),
    });
  });

  router.get('/panel/cases/:id', guard, async (req, res) => {
    const file = await panel.caseFile(String(req.params['id']));
    await services.accessLog.record(principalOf(req), [file.case.ectId], 'panel-case-page', req);
    // The meetings that can decide the case: held on or after its recommendation arrived (not every meeting the
    // hub ever held); a decided case needs only the meeting that decided it, for its members' names.
    const open = file.case.status === 'awaiting-decision';
    const choosable = open
      ? await everyPage((page, pageSize) => panel.meetings({ page, pageSize }, file.case.receivedOn))
      : [];
    const deciding = file.case.meetingId
      ? await panel.meeting(file.case.meetingId).then(
          (m) => [m],
          () => [],
        )
      : [];
    res.render('pages/panel-case', {
      pageTitle: `Panel case: ${nameOf(file.case)}`,
      backLink: '/panel/cases',
      recorded: req.query['recorded'] === '1',
      ...caseView(file.case, file.records, [...deciding, ...choosable]),
      meetings: open
        ? choosable.map((m) => ({
            id: m.meetingId,
            heldOn: m.heldOn,
            members: m.members.length,
            quorum: m.quorum,
          }))
        : [],
    });
  });

  const decisionForm = async (
    req: Request,
    res: Response,
    values: Record<string, unknown>,
    errors: FieldErrors,
    messages: string[] = [],
  ) => {
    const file = await panel.caseFile(String(req.params['id']));
    const meeting = await panel.meeting(text(req.query['meeting']));
    const present = list(values['present']);
    const dissent = list(values['dissent']);
    res.status(Object.keys(errors).length || messages.length ? 400 : 200).render('pages/panel-decision', {
      pageTitle: 'Record the panel’s decision',
      caption: nameOf(file.case),
      backLink: `/panel/cases/${file.case.ectId}`,
      action: `/panel/cases/${file.case.ectId}/decision?meeting=${meeting.meetingId}`,
      meeting: { ...meeting, heldOnText: govukDate(meeting.heldOn) },
      recommendation: RECOMMENDATIONS[file.case.recommendation] ?? file.case.recommendation,
      values: {
        ...values,
        key: text(values['key']) || randomUUID(),
        decidedOn: splitDate(text(values['decidedOn']) || meeting.heldOn, values),
      },
      members: meeting.members.map((m) => ({
        value: m.personId,
        text: m.name ?? 'Name erased',
        hint: m.schoolUrn ? { text: `School URN ${m.schoolUrn}` } : undefined,
        checked: present.includes(m.personId),
      })),
      // Any number of members present may dissent, each with their own reason (shown when ticked).
      dissenters: meeting.members.map((m) => ({
        value: m.personId,
        text: m.name ?? 'Name erased',
        checked: dissent.includes(m.personId),
        reason: text(values[`dissentReason-${m.personId}`]),
        error: errors[`dissentReason-${m.personId}`],
      })),
      errors,
      errorList: [
        ...errorSummary(errors, ['decidedOn']),
        ...messages.map((m) => ({ text: m, href: '#present' })),
      ],
    });
  };

  /** The answers wait in the session between the form and the check-answers page, per case and meeting. */
  const draftKey = (req: Request) =>
    `panel-decision:${String(req.params['id'])}:${text(req.query['meeting'])}`;
  const readDraft = (req: Request): Record<string, unknown> | null => {
    const raw = req.session.drafts?.[draftKey(req)]?.['json'];
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
  };
  const saveDraft = (req: Request, values: Record<string, unknown> | null) => {
    req.session.drafts ??= {};
    if (values) req.session.drafts[draftKey(req)] = { json: JSON.stringify(values) };
    else delete req.session.drafts[draftKey(req)];
  };

  router.get('/panel/cases/:id/decision', guard, async (req, res) => {
    // "Change" from the check-answers page opens the form as it was left.
    const draft = req.query['change'] === '1' ? readDraft(req) : null;
    await decisionForm(req, res, draft ?? {}, {});
  });

  router.post('/panel/cases/:id/decision', guard, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const meeting = await panel.meeting(text(req.query['meeting']));
    const file = await panel.caseFile(String(req.params['id']));
    const errors: FieldErrors = {};
    const decision = text(body['decision']);
    const decidedOn = readDate(body, 'decidedOn');
    const rationale = text(body['rationale']);
    const present = list(body['present']);
    const extensionTerms = text(body['extensionTerms']);
    const dissent = list(body['dissent']).filter((id) => meeting.members.some((m) => m.personId === id));
    // In the order the page asks, so the error summary reads as the page does.
    if (!OUTCOMES[decision]) errors['decision'] = 'Select the panel’s decision';
    if (decidedOn === '') errors['decidedOn'] = 'Enter the date of the decision';
    else if (!isRealDate(decidedOn)) errors['decidedOn'] = 'Date of the decision must be a real date';
    if (decision === 'extend' && !/^\d{1,2}(\.\d)?$/.test(extensionTerms))
      errors['extensionTerms'] = 'Enter the extension in FTE terms, like 1 or 2.5';
    if (present.length === 0) errors['present'] = 'Select the members present';
    if (rationale === '') errors['rationale'] = 'Enter the rationale for the decision';
    else if (rationale.length > 10_000) errors['rationale'] = 'Rationale must be 10,000 characters or fewer';
    for (const personId of dissent) {
      const name = meeting.members.find((m) => m.personId === personId)?.name ?? 'the member';
      const reason = text(body[`dissentReason-${personId}`]);
      if (!present.includes(personId))
        errors['dissent'] ??= `${name} dissented, so select them as present too`;
      if (reason === '') errors[`dissentReason-${personId}`] = `Enter why ${name} dissented`;
      else if (reason.length > 5_000)
        errors[`dissentReason-${personId}`] = `Why ${name} dissented must be 5,000 characters or fewer`;
    }
    const values = { ...body, decidedOn };
    if (Object.keys(errors).length > 0) return decisionForm(req, res, values, errors);

    const answers: Record<string, unknown> = { ...values };
    delete answers['_csrf'];
    saveDraft(req, answers);
    res.redirect(303, `/panel/cases/${file.case.ectId}/decision/check?meeting=${meeting.meetingId}`);
  });

  router.get('/panel/cases/:id/decision/check', guard, async (req, res) => {
    const draft = readDraft(req);
    if (!draft) return res.redirect(303, `/panel/cases/${String(req.params['id'])}/decision`);
    await renderCheck(req, res, draft);
  });

  const renderCheck = async (req: Request, res: Response, draft: Record<string, unknown>) => {
    const file = await panel.caseFile(String(req.params['id']));
    const meeting = await panel.meeting(text(req.query['meeting']));
    const who = (id: string) => meeting.members.find((m) => m.personId === id)?.name ?? 'Name erased';
    const changeHref = `/panel/cases/${file.case.ectId}/decision?meeting=${meeting.meetingId}&change=1`;
    const row = (key: string, value: { text: string } | { html: string }) => ({
      key: { text: key },
      value,
      actions: { items: [{ href: changeHref, text: 'Change', visuallyHiddenText: key.toLowerCase() }] },
    });
    const decision = text(draft['decision']);
    const dissent = list(draft['dissent']);
    res.render('pages/check-answers', {
      pageTitle: 'Check the panel’s decision before recording it',
      caption: nameOf(file.case),
      heading: 'Check the panel’s decision before recording it',
      backLink: changeHref,
      action: `/panel/cases/${file.case.ectId}/decision/check?meeting=${meeting.meetingId}`,
      submitText: 'Record decision',
      rows: [
        row('Panel meeting', { text: govukDate(meeting.heldOn) }),
        row('Decision', {
          text:
            (OUTCOMES[decision] ?? decision) +
            (decision === 'extend' ? ` by ${text(draft['extensionTerms'])} FTE terms` : ''),
        }),
        row('Date of the decision', { text: govukDate(draft['decidedOn']) }),
        row('Members present', {
          html: list(draft['present'])
            .map((id) => escapeHtml(who(id)))
            .join('<br>'),
        }),
        row('Rationale', { text: text(draft['rationale']) }),
        row('Dissent', {
          html: dissent.length
            ? dissent
                .map((id) => `${escapeHtml(who(id))}: ${escapeHtml(text(draft[`dissentReason-${id}`]))}`)
                .join('<br>')
            : 'None',
        }),
      ],
    });
  };

  router.post('/panel/cases/:id/decision/check', guard, async (req, res) => {
    const draft = readDraft(req);
    if (!draft) return res.redirect(303, `/panel/cases/${String(req.params['id'])}/decision`);
    const meeting = await panel.meeting(text(req.query['meeting']));
    const file = await panel.caseFile(String(req.params['id']));
    const decision = text(draft['decision']);
    const dissent = list(draft['dissent']);
    const request = plainToInstance(RecordPanelDecisionRequestDto, {
      ectId: file.case.ectId,
      decision,
      decidedOn: text(draft['decidedOn']),
      rationale: text(draft['rationale']),
      present: list(draft['present']),
      ...(decision === 'extend' ? { extensionTerms: Number(text(draft['extensionTerms'])) } : {}),
      ...(dissent.length
        ? {
            dissent: dissent.map((personId) => ({
              personId,
              reason: text(draft[`dissentReason-${personId}`]),
            })),
          }
        : {}),
    });
    try {
      await services.execute(
        principalOf(req),
        (context) => new RecordPanelDecisionCommand(meeting.meetingId, request, context),
        text(draft['key']) || undefined,
      );
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) throw error;
      // A refused decision goes back to the form, with what was refused; a corrected retry gets a new key.
      const retry = { ...draft, key: randomUUID() };
      saveDraft(req, retry);
      return decisionForm(req, res, retry, {}, messages.map(named(meeting)));
    }
    saveDraft(req, null);
    res.redirect(303, `/panel/cases/${file.case.ectId}?recorded=1`);
  });

  return router;
}

/** A refusal names members by id; the page names them as the panel knows them. */
function named(meeting: PanelMeetingRow) {
  return (message: string) =>
    meeting.members.reduce(
      (out, m) => out.split(m.personId).join(m.name ?? 'a member whose name is erased'),
      message.replace(
        /^R21: a panel member cannot decide a case from their own school \((.*)\)$/,
        'R21: a panel member from the ECT’s school cannot decide this case. Remove $1 from the members present',
      ),
    );
}

function caseView(
  c: PanelCase,
  records: readonly PanelCaseRecordRow[],
  meetings: readonly PanelMeetingRow[],
) {
  const members = meetings.find((m) => m.meetingId === c.meetingId)?.members ?? [];
  const who = (personId: string) =>
    members.find((m) => m.personId === personId)?.name ?? 'A member whose name is erased';
  const of = (kind: PanelCaseRecordRow['kind']) => records.filter((r) => r.kind === kind);
  return {
    ect: { id: c.ectId, name: nameOf(c) },
    summary: [
      ['School URN', c.schoolUrn ?? ''],
      ['Head’s recommendation', RECOMMENDATIONS[c.recommendation] ?? c.recommendation],
      ['Recommendation received', govukDate(c.receivedOn)],
      [
        'ECT’s representations',
        c.representationsOn
          ? `Received ${govukDate(c.representationsOn)}`
          : `None yet (may be made by ${govukDate(c.representationsBy)})`,
      ],
      ['Decide by (R16)', `${govukDate(c.decisionDueBy)}${c.overdue ? ' (overdue)' : ''}`],
      ...(c.status === 'decided'
        ? [
            ['Decision', `${OUTCOMES[c.outcome ?? ''] ?? c.outcome} on ${govukDate(c.decidedOn)}`],
            ['Rationale', c.rationale ?? ''],
            ['Notify by (R17)', govukDate(c.notifyBy)],
            ['Appeal by (R18)', c.appealBy ? govukDate(c.appealBy) : 'No right of appeal on a pass'],
            [
              'Dissent',
              c.dissent.length ? c.dissent.map((d) => `${who(d.personId)}: ${d.reason}`).join('; ') : 'None',
            ],
          ]
        : []),
    ].map(([key, value]) => ({ key: { text: key }, value: { text: value } })),
    decided: c.status === 'decided',
    overdue: c.overdue,
    reviews: of('progress-review').map((r) => ({
      title: `Term ${String(r.data['term'])} progress review, ${govukDate(r.data['reviewedOn'])}`,
      rows: rows([
        ['On track', r.data['onTrack'] ? 'Yes' : 'No'],
        ['Strengths', r.data['strengths']],
        ['Areas for development', r.data['areasForDevelopment']],
        ['Support plan', r.data['supportPlan']],
        ['ECT’s comment', r.data['ectComment']],
        ['Received', govukDate(r.on)],
      ]),
    })),
    assessments: of('formal-assessment').map((r) => ({
      title: `${r.data['point'] === 'final' ? 'Final' : 'Year 1'} formal assessment, ${govukDate(r.data['assessedOn'])}`,
      rows: rows([
        ['Recommendation', RECOMMENDATIONS[String(r.data['recommendation'])] ?? r.data['recommendation']],
        [
          'Teachers’ Standards not met',
          Object.entries((r.data['standards'] ?? {}) as Record<string, string>)
            .filter(([, v]) => v !== 'met')
            .map(([k]) => k)
            .join(', ') || 'None',
        ],
        ['Evidence', r.data['evidence']],
        ['ECT’s comment', r.data['ectComment']],
        ['Received', `${govukDate(r.data['receivedOn'])}${r.data['late'] ? ' (late, R12)' : ''}`],
      ]),
    })),
    interims: of('interim-assessment').map((r) => ({
      title: `Interim assessment, ${govukDate(r.data['assessedOn'])}`,
      rows: rows([
        ['Progress', r.data['progress']],
        ['FTE terms served', r.data['termsServed']],
        ['Days absent', r.data['daysAbsent']],
      ]),
    })),
    recommendations: of('recommendation').map((r) => ({
      title: `Recommendation received ${govukDate(r.data['receivedOn'])}`,
      rows: rows([
        ['Recommendation', RECOMMENDATIONS[String(r.data['recommendation'])] ?? r.data['recommendation']],
        ['Representations by', govukDate(r.data['representationsBy'])],
        ['Decision due by (R16)', govukDate(r.data['decisionDueBy'])],
      ]),
    })),
    representations: of('representations').map((r) => ({
      title: `Representations, ${govukDate(r.data['submittedOn'])}`,
      rows: rows([['What the ECT said', r.data['summary']]]),
    })),
  };
}

function rows(pairs: [string, unknown][]) {
  return pairs
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([key, value]) => ({ key: { text: key }, value: { text: String(value) } }));
}

/** The three inputs of a GOV.UK date: what was typed, else the date's parts. */
function splitDate(value: string, typed: Record<string, unknown>) {
  const [year, month, day] = /^\d{4}-\d{2}-\d{2}$/.test(value) ? value.split('-') : ['', '', ''];
  return {
    day: text(typed['decidedOn-day']) || (day ? String(Number(day)) : ''),
    month: text(typed['decidedOn-month']) || (month ? String(Number(month)) : ''),
    year: text(typed['decidedOn-year']) || year,
  };
}
