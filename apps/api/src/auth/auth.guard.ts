import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTokenService } from './api-token.service.js';
import { ALLOWED_ROLES, IS_PUBLIC, type AuthenticatedRequest } from './auth.decorators.js';
import type { Role } from './principal.js';

/**
 * Every request is signed in unless its route is `@Public()`: a bearer API token, or a web session that has
 * already put a principal on the request. `@Roles()` then limits the route; school scope is checked by
 * each handler against the resource it touches (403 for a write, 404 for a read of another school's ECT).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.principal) {
      const header = request.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match)
        throw new UnauthorizedException('Sign in, or send an API token as "Authorization: Bearer <token>"');
      const principal = await this.tokens.verify(match[1]!);
      if (!principal)
        throw new UnauthorizedException('The API token is invalid, has expired or has been revoked');
      request.principal = principal;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(request.principal.role)) {
      throw new ForbiddenException(`This needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
