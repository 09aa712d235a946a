/**
 * Security headers for the web pages. The API's helmet() already ran; this replaces its Content-Security-Policy
 * with one that lets exactly one inline script run: govuk/template.njk's `js-enabled` snippet, by nonce.
 * Everything else (GOV.UK Frontend, MoJ Frontend, our init) is an external module script from 'self'.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export function securityHeaders(production: boolean): RequestHandler[] {
  const nonce: RequestHandler = (_req, res, next) => {
    res.locals['cspNonce'] = randomBytes(16).toString('base64');
    next();
  };
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: [
          "'self'",
          (_req: IncomingMessage, res: ServerResponse) =>
            `'nonce-${(res as unknown as { locals: Record<string, string> }).locals['cspNonce']}'`,
        ],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: production,
  });
  const noStore: RequestHandler = (_req, res, next) => {
    // Pages show personal data: never keep them in a shared or back-button cache.
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  return [nonce, headers, noStore];
}
