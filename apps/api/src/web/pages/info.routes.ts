/** Pages every GOV.UK service has, open to everyone: accessibility statement, cookies, privacy. */
import { Router } from 'express';

export function infoRoutes(): Router {
  const router = Router();
  router.get('/accessibility', (_req, res) =>
    res.render('pages/accessibility', { pageTitle: 'Accessibility statement' }),
  );
  router.get('/cookies', (_req, res) => res.render('pages/cookies', { pageTitle: 'Cookies' }));
  router.get('/privacy', (_req, res) => res.render('pages/privacy', { pageTitle: 'Privacy notice' }));
  return router;
}
