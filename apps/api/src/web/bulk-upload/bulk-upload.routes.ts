/**
 * Bulk registration from a CSV, as the DfE service takes it: upload → every row checked against the domain →
 * the rows with errors (and a CSV of them to fix) or a confirm page → applied all or nothing. The pages use
 * the API's BulkUploadService, so the checks, scope and events are those of `POST /bulk-uploads/...`.
 * The multipart form is parsed first, then its CSRF token is checked before anything is read or kept.
 */
import { HttpException, NotFoundException } from '@nestjs/common';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { MAX_ROWS, readCsvUpload } from '../../bulk-upload/csv-upload.js';
import { REGISTRATION_COLUMNS, REGISTRATION_EXTRA_COLUMNS } from '../../bulk-upload/registration-rows.js';
import { commandErrorMessages } from '../forms/form-errors.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import type { TutorHubServices } from '../tutor-hub-services.js';
import { govukDateTime } from '../view-models/format.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function bulkUploadRoutes(extra: TutorHubServices, csrfProtect: RequestHandler): Router {
  const router = Router();
  const roles = requireRole('induction_tutor', 'hub_staff');

  const renderForm = (res: Response, errors: string[]) =>
    res.status(errors.length ? 400 : 200).render('pages/bulk-upload', {
      pageTitle: 'Register ECTs from a CSV file',
      required: REGISTRATION_COLUMNS,
      optional: REGISTRATION_EXTRA_COLUMNS,
      maxRows: MAX_ROWS.toLocaleString('en-GB'),
      error: errors[0],
      errorList: errors.map((text) => ({ text, href: '#file' })),
    });

  router.get('/bulk-upload', roles, (_req, res) => renderForm(res, []));

  router.post('/bulk-upload', roles, async (req, res) => {
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
      const view = await extra.uploads.upload('registrations', text, principalOf(req));
      res.redirect(303, `/bulk-upload/${view.id}`);
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      return renderForm(res, [uploadProblem(error)]);
    }
  });

  const load = (req: Request) => {
    const id = String(req.params['id']);
    if (!UUID.test(id)) throw new NotFoundException();
    return extra.uploads.get(id.toLowerCase(), principalOf(req));
  };

  const renderUpload = async (req: Request, res: Response, messages: string[]) => {
    const upload = await load(req);
    res.status(messages.length ? 409 : 200).render('pages/bulk-upload-result', {
      pageTitle:
        upload.status === 'applied'
          ? 'ECTs registered'
          : upload.errorCount > 0
            ? 'Fix the rows with errors'
            : 'Check the upload before registering the ECTs',
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

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
