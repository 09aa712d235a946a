/**
 * Bulk uploads from a CSV, as the DfE service takes them: registrations (induction tutors, hub staff) at
 * `/bulk-upload`, and outcomes (hub staff and the AB panel) at `/bulk-upload/outcomes`. Upload → every row
 * checked against the domain → the rows with errors (and a CSV of them to fix) or a confirm page → applied all
 * or nothing. The pages use the API's BulkUploadService, so the checks, scope and events are those of
 * `POST /bulk-uploads/...`; an upload is seen only by whoever uploaded it, and hub staff (404 otherwise).
 * The multipart form is parsed first, then its CSRF token is checked before anything is read or kept.
 */
import { HttpException, NotFoundException } from '@nestjs/common';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { MAX_ROWS, readCsvUpload } from '../../bulk-upload/csv-upload.js';
import { REGISTRATION_COLUMNS, REGISTRATION_EXTRA_COLUMNS } from '../../bulk-upload/registration-rows.js';
import { OUTCOME_COLUMNS } from '../../bulk-upload/outcome-rows.js';
import type { BulkUploadKind } from '../../bulk-upload/bulk-upload.entity.js';
import type { Role } from '../../auth/principal.js';
import { commandErrorMessages } from '../forms/form-errors.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import type { TutorHubServices } from '../tutor-hub-services.js';
import { govukDateTime } from '../view-models/format.js';
import { escapeHtml } from '../forms/form-input.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What each kind of upload is called on its pages, who may upload it, and where. */
const KINDS: Record<
  BulkUploadKind,
  {
    path: string;
    roles: Role[];
    title: string;
    required: readonly string[];
    optional: readonly string[];
    nav: string;
    noun: [string, string];
    verb: string;
    done: string;
    next: { text: string; href: string };
  }
> = {
  registrations: {
    path: '/bulk-upload',
    roles: ['induction_tutor', 'hub_staff'],
    title: 'Register ECTs from a CSV file',
    required: REGISTRATION_COLUMNS,
    optional: REGISTRATION_EXTRA_COLUMNS,
    nav: 'bulk-upload',
    noun: ['ECT', 'ECTs'],
    verb: 'Register',
    done: 'ECTs registered',
    next: { text: 'View your ECTs', href: '/ects' },
  },
  outcomes: {
    path: '/bulk-upload/outcomes',
    roles: ['hub_staff', 'panel_member'],
    title: 'Record induction outcomes from a CSV file',
    required: OUTCOME_COLUMNS,
    optional: [],
    nav: 'panel',
    noun: ['outcome', 'outcomes'],
    verb: 'Record',
    done: 'Outcomes recorded',
    next: { text: 'View panel cases', href: '/panel/cases' },
  },
};
const ALL_UPLOADERS: Role[] = ['induction_tutor', 'hub_staff', 'panel_member'];

export function bulkUploadRoutes(extra: TutorHubServices, csrfProtect: RequestHandler): Router {
  const router = Router();

  for (const [kind, words] of Object.entries(KINDS) as [BulkUploadKind, (typeof KINDS)[BulkUploadKind]][]) {
    const roles = requireRole(...words.roles);
    const renderForm = (res: Response, errors: string[]) =>
      res.status(errors.length ? 400 : 200).render('pages/bulk-upload', {
        pageTitle: words.title,
        kind,
        action: words.path,
        activeNav: words.nav,
        required: words.required,
        optional: words.optional,
        maxRows: MAX_ROWS.toLocaleString('en-GB'),
        error: errors[0],
        errorList: errors.map((text) => ({ text, href: '#file' })),
      });

    router.get(words.path, roles, (_req, res) => renderForm(res, []));

    router.post(words.path, roles, async (req, res) => {
      let text: string;
      try {
        text = await readCsvUpload(req, res);
      } catch (error) {
        if (!(error instanceof HttpException)) throw error;
        await check(csrfProtect, req, res);
        const empty = String(commandErrorMessages(error)?.[0] ?? '').includes('attach the CSV');
        return renderForm(res, [empty ? 'Select a CSV file' : uploadProblem(error)]);
      }
      await check(csrfProtect, req, res);
      if (text.trim() === '') return renderForm(res, ['Select a CSV file']);
      try {
        const view = await extra.uploads.upload(kind, text, principalOf(req));
        res.redirect(303, `/bulk-upload/${view.id}`);
      } catch (error) {
        if (!(error instanceof HttpException)) throw error;
        return renderForm(res, [uploadProblem(error)]);
      }
    });
  }

  const roles = requireRole(...ALL_UPLOADERS);
  const load = (req: Request) => {
    const id = String(req.params['id']);
    if (!UUID.test(id)) throw new NotFoundException();
    return extra.uploads.get(id.toLowerCase(), principalOf(req));
  };

  const renderUpload = async (req: Request, res: Response, messages: string[]) => {
    const upload = await load(req);
    const kind = upload.kind;
    const words = KINDS[kind];
    const count = (n: number) => `${n} ${words.noun[n === 1 ? 0 : 1]}`;
    res.status(messages.length ? 409 : 200).render('pages/bulk-upload-result', {
      pageTitle:
        upload.status === 'applied'
          ? words.done
          : upload.errorCount > 0
            ? 'Fix the rows with errors'
            : `Check the upload before ${kind === 'outcomes' ? 'recording the outcomes' : 'registering the ECTs'}`,
      activeNav: words.nav,
      words: {
        done: words.done,
        applied: `${count(upload.appliedRowCount)} from the file`,
        confirm: `${words.verb} ${count(upload.rowCount)}`,
        nothing: kind === 'outcomes' ? 'Nothing has been recorded.' : 'Nothing has been registered.',
        together:
          kind === 'outcomes'
            ? `All ${upload.rowCount} outcomes are recorded together, or none are.`
            : `All ${upload.rowCount} rows are registered together, or none are.`,
        next: words.next,
        uploadAgain: words.path,
      },
      kind,
      upload,
      uploadedAt: govukDateTime(upload.uploadedAt),
      errorRows: upload.errors.map((e) => [
        { text: String(e.row), format: 'numeric' },
        { text: e.trn ?? '' },
        { html: e.messages.map((m) => escapeHtml(m)).join('<br>') },
      ]),
      errorsCsvHref: `/bulk-upload/${upload.id}/errors.csv`,
      confirmAction: `/bulk-upload/${upload.id}/confirm`,
      // After a refused confirm the upload is rejected: its rows with errors are the thing to look at.
      errorList: messages.map((text) => ({
        text,
        href: upload.errors.length > 0 ? '#row-errors' : '#confirm',
      })),
    });
  };

  router.get('/bulk-upload/:id', roles, (req, res) => renderUpload(req, res, []));

  router.get('/bulk-upload/:id/errors.csv', roles, async (req, res) => {
    const upload = await load(req);
    const csv = await extra.uploads.errorsCsv(upload.id, principalOf(req));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="upload-${upload.id}-errors.csv"`);
    res.send(csv);
  });

  router.post('/bulk-upload/:id/confirm', roles, async (req, res) => {
    const upload = await load(req);
    try {
      const { logPosition } = await extra.uploads.confirm(upload.id, principalOf(req), upload.id);
      await extra.waitFor(logPosition);
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) throw error;
      return renderUpload(req, res, messages);
    }
    res.redirect(303, `/bulk-upload/${upload.id}`);
  });

  return router;
}

/** A CSRF check for a route that parsed its own (multipart) body: a bad token rejects as the middleware would. */
function check(protect: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    protect(req, res, (error?: unknown) => (error ? reject(error as Error) : resolve())),
  );
}

function uploadProblem(error: HttpException): string {
  if (error.getStatus() === 413)
    return `The file must be smaller than 2 MB and have at most ${MAX_ROWS.toLocaleString('en-GB')} rows`;
  if (error.getStatus() === 415) return 'The selected file must be a CSV';
  return String(commandErrorMessages(error)?.[0] ?? 'The selected file could not be read');
}
