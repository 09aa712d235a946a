import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal, Role } from './principal.js';

export const IS_PUBLIC = 'ledger:isPublic';
export const ALLOWED_ROLES = 'ledger:allowedRoles';

/** The route needs no sign-in (health, docs, the dev token endpoint's own guard decides). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Only these roles may call the route; the guard answers 403 to the others. */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
