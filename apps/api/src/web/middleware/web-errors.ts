/** Errors on a page become GOV.UK error pages (the JSON API keeps its own filter). */
import { HttpException } from '@nestjs/common';
import type { ErrorRequestHandler, RequestHandler } from 'express';

export const webNotFound: RequestHandler = (_req, res) => {
  res.status(404).render('pages/not-found', { pageTitle: 'Page not found' });
};

export const webErrorHandler: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  const status =
    error instanceof HttpException
      ? error.getStatus()
      : (error as { code?: unknown }).code === 'EBADCSRFTOKEN'
        ? 403
        : 500;
  if (status === 404) return webNotFound(req, res, next);
  if ((error as { code?: unknown }).code === 'EBADCSRFTOKEN') {
    return res.status(403).render('pages/error', {
      pageTitle: 'Your form has expired',
      heading: 'Your form has expired',
      message: 'Nothing was saved. Go back, reload the page and try again.',
    });
  }
  if (status === 403) {
    return res.status(403).render('pages/error', {
      pageTitle: 'You do not have access to this page',
      heading: 'You do not have access to this page',
      message: 'Your role does not include this page.',
      link: { href: '/', text: 'Go to your dashboard' },
    });
  }
  if (status >= 500) req.log?.error({ err: error, url: req.originalUrl }, 'page failed');
  res.status(status).render('pages/error', {
    pageTitle: 'Sorry, there is a problem with the service',
    heading: 'Sorry, there is a problem with the service',
    message:
      status >= 500
        ? 'Try again later. Nothing you have not saved was lost.'
        : 'Check the page and try again.',
  });
};
