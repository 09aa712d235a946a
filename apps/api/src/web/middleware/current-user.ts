/**
 * The signed-in user: the principal the session holds becomes `request.principal` (what the API's AuthGuard
 * and the command handlers read) and `res.locals.user` (what the layout shows). `requireRole` guards every
 * page on the server: not signed in → sign-in page, wrong role → 403. School scope is the query services'
 * and handlers' job (a tutor asking for another school's ECT gets 404 from EctQueries).
 */
import { ForbiddenException } from '@nestjs/common';
import type { RequestHandler } from 'express';
import type { AuthenticatedRequest } from '../../auth/auth.decorators.js';
import type { Principal, Role } from '../../auth/principal.js';

export const currentUser: RequestHandler = (req, res, next) => {
  const principal = req.session?.principal;
  if (principal) {
    (req as AuthenticatedRequest).principal = principal;
    res.locals['user'] = principal;
  }
  next();
};

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    const principal = (req as AuthenticatedRequest).principal;
    if (!principal) {
      if (req.method === 'GET') req.session.returnTo = req.originalUrl;
      res.redirect(303, '/sign-in');
      return;
    }
    if (roles.length > 0 && !roles.includes(principal.role)) {
      next(new ForbiddenException(['You do not have access to this page']));
      return;
    }
    next();
  };
}

export function principalOf(req: unknown): Principal {
  const principal = (req as AuthenticatedRequest).principal;
  if (!principal) throw new Error('principalOf used on a page that does not require sign-in');
  return principal;
}
