import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ALLOWED_ROLES, IS_PUBLIC } from './auth.decorators.js';
import type { Role } from './principal.js';

/** One HTTP route as the guard sees it: its OpenAPI path (`/api/v1/ects/{id}`), public or not, its roles. */
export interface GuardedRoute {
  method: string;
  path: string;
  isPublic: boolean;
  /** undefined: any signed-in role. */
  roles: Role[] | undefined;
}

/** Paths the global prefix does not apply to (bootstrap-api.ts). */
const UNPREFIXED = new Set(['health', 'metrics']);

function paths(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value ?? ''];
  return list.map((p) => String(p).replace(/^\/+|\/+$/g, ''));
}

/**
 * Every controller route with the metadata `AuthGuard` reads (`@Public()`, `@Roles()`), from Nest's own
 * registry: the OpenAPI document's security is derived from it, and the access tests are generated from it.
 */
export function guardedRoutes(app: INestApplication, prefix: string): GuardedRoute[] {
  const out: GuardedRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (!type) continue;
      for (const base of paths(Reflect.getMetadata(PATH_METADATA, type))) {
        for (const name of Object.getOwnPropertyNames(type.prototype)) {
          const handler = (type.prototype as Record<string, unknown>)[name];
          if (typeof handler !== 'function' || name === 'constructor') continue;
          const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
          if (methodPaths === undefined) continue;
          const method =
            RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!.toLowerCase();
          const isPublic = Boolean(
            Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, type),
          );
          const roles = (Reflect.getMetadata(ALLOWED_ROLES, handler) ??
            Reflect.getMetadata(ALLOWED_ROLES, type)) as Role[] | undefined;
          for (const sub of paths(methodPaths)) {
            const joined = [UNPREFIXED.has(base.split('/')[0]!) ? '' : prefix, base, sub]
              .filter(Boolean)
              .join('/')
              .replace(/:(\w+)/g, '{$1}');
            out.push({ method, path: `/${joined}`, isPublic, roles });
          }
        }
      }
    }
  }
  return out;
}

/**
 * Sets each operation's `security` from the guard: `[]` (none) on a `@Public()` route, bearer on the others,
 * so the document cannot claim a token where the guard takes none (or the reverse).
 */
export function applyGuardSecurity(document: OpenAPIObject, routes: GuardedRoute[]): void {
  for (const route of routes) {
    const operation = (document.paths[route.path] as Record<string, { security?: unknown[] }> | undefined)?.[
      route.method
    ];
    if (operation) operation.security = route.isPublic ? [] : [{ bearer: [] }];
  }
}
