/**
 * Where the web layer's files are, from the source tree (jest, ts) and from dist/ (`npm start`) alike: the
 * project root is the nearest folder above this file holding package.json, so views are read from
 * apps/api/views and assets from node_modules without copying anything into dist/.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

const root = projectRoot();

export const WEB_PATHS = {
  views: join(root, 'apps/api/views'),
  public: join(root, 'apps/api/public'),
  /** Parent of `govuk/`, so templates import `govuk/components/.../macro.njk`. */
  govukFrontend: join(root, 'node_modules/govuk-frontend/dist'),
  /** Parent of `moj/`, so templates import `moj/components/.../macro.njk`. */
  mojFrontend: join(root, 'node_modules/@ministryofjustice/frontend'),
} as const;
