/**
 * Sign-in and sign-out. In production only OpenID Connect (DfE Sign-in); elsewhere also a developer sign-in
 * that picks a role and a school. Both rate-limited, both regenerate the session (no fixation) before putting
 * the principal in it; sign-out destroys the session and its cookie.
 */
import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ROLES, type Principal, type Role } from '../../auth/principal.js';
import { SESSION_COOKIE } from '../middleware/web-session.js';
import type { WebServices } from '../web-services.js';
import { principalFromClaims } from './oidc-principal.js';
import { OidcSignIn } from './oidc-sign-in.js';
import { ROLE_NAMES } from '../view-models/format.js';
import { errorSummary, type FieldErrors } from '../forms/form-errors.js';

export function signInRoutes(services: WebServices): Router {
  const router = Router();
  const { config } = services;
  const oidc = config.oidc ? new OidcSignIn(config.oidc) : null;
  const limiter = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).render('pages/error', {
        pageTitle: 'Too many sign-in attempts',
        heading: 'Too many sign-in attempts',
        message: 'Wait 15 minutes, then try again.',
      });
    },
  });

  const renderSignIn = async (
    res: Response,
    errors: FieldErrors = {},
    values: Record<string, string> = {},
  ) => {
    const schools = config.isProduction ? [] : await services.schools.all();
    res.status(Object.keys(errors).length ? 400 : 200).render('pages/sign-in', {
      pageTitle: 'Sign in',
      oidcEnabled: oidc !== null,
      devSignIn: !config.isProduction,
      roles: ROLES.map((role) => ({ value: role, text: ROLE_NAMES[role], checked: values['role'] === role })),
      schools: schools.map((s) => ({
        value: s.urn,
        text: `${s.name} (${s.urn})`,
        selected: values['schoolUrn'] === s.urn,
      })),
      values,
      errors,
      errorList: errorSummary(errors),
    });
  };

  router.get('/sign-in', async (req, res) => {
    if (req.session.principal) return res.redirect(303, '/');
    await renderSignIn(res);
  });

  router.post('/sign-in/dev', limiter, async (req, res) => {
    if (config.isProduction)
      return res.status(404).render('pages/not-found', { pageTitle: 'Page not found' });
    const body = req.body as Record<string, string | undefined>;
    const values = { role: body['role'] ?? '', schoolUrn: body['schoolUrn'] ?? '', name: body['name'] ?? '' };
    const errors: FieldErrors = {};
    if (!(ROLES as readonly string[]).includes(values.role)) errors['role'] = 'Select your role';
    const schools = await services.schools.all();
    if (values.role === 'induction_tutor' && !schools.some((s) => s.urn === values.schoolUrn)) {
      errors['schoolUrn'] = 'Select the school you are the induction tutor for';
    }
    if (values.name.length > 100) errors['name'] = 'Name must be 100 characters or fewer';
    if (Object.keys(errors).length) return renderSignIn(res, errors, values);
    const role = values.role as Role;
    const name = values.name.trim() || `Developer ${ROLE_NAMES[role]!.toLowerCase()}`;
    const schoolUrns = role === 'induction_tutor' ? [values.schoolUrn] : [];
    const principal: Principal = {
      userId: `dev:${role}:${schoolUrns[0] ?? 'ab'}:${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      role,
      schoolUrns,
      name,
    };
    await signIn(req, res, principal);
  });

  router.get('/sign-in/oidc', limiter, async (req, res) => {
    if (!oidc) return res.status(404).render('pages/not-found', { pageTitle: 'Page not found' });
    const request = await oidc.start();
    req.session.oidc = {
      state: request.state,
      nonce: request.nonce,
      codeVerifier: request.codeVerifier,
      returnTo: req.session.returnTo ?? '/',
    };
    await save(req);
    res.redirect(303, request.url);
  });

  router.get('/sign-in/callback', limiter, async (req, res) => {
    const expected = req.session.oidc;
    if (!oidc || !expected) return res.redirect(303, '/sign-in');
    delete req.session.oidc;
    let claims: Record<string, unknown>;
    try {
      claims = await oidc.finish(new URL(req.originalUrl, config.oidc!.redirectUrl), expected);
    } catch (error) {
      req.log?.warn({ err: error }, 'OIDC sign-in failed');
      return res.status(401).render('pages/error', {
        pageTitle: 'Sign-in failed',
        heading: 'Sign-in failed',
        message: 'We could not sign you in. Try again.',
        link: { href: '/sign-in', text: 'Sign in' },
      });
    }
    const principal = principalFromClaims(claims);
    if (!principal) {
      return res.status(403).render('pages/error', {
        pageTitle: 'You do not have access',
        heading: 'You do not have access to this service',
        message: 'Ask the appropriate body to give you a role.',
      });
    }
    req.session.returnTo = expected.returnTo;
    await signIn(req, res, principal);
  });

  router.post('/sign-out', (req, res, next) => {
    req.session.destroy((error) => {
      if (error) return next(error);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/signed-out');
    });
  });

  router.get('/signed-out', (_req, res) =>
    res.render('pages/signed-out', { pageTitle: 'You have signed out' }),
  );
  return router;
}

/** New session id, then the principal: a session id seen before sign-in never carries one (no fixation). */
async function signIn(req: Request, res: Response, principal: Principal): Promise<void> {
  const returnTo = safeReturnTo(req.session.returnTo);
  await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
  req.session.principal = principal;
  await save(req);
  res.redirect(303, returnTo);
}

function save(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
}

/** Only a path on this service: never an absolute or protocol-relative URL (no open redirect). */
function safeReturnTo(value: string | undefined): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}
