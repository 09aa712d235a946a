/**
 * Secrets for machines that are not production, so `npm start` needs no setup.
 *
 * - development: generated once and kept in `<DATA_DIR>/secrets.json` (mode 0600), so sessions, API tokens and
 *   encrypted personal data survive restarts. Losing that file loses every wrapped person key with it: the
 *   PGlite database in the same folder goes too, but a `DATABASE_URL` database would become unreadable.
 * - test: fixed, public values derived from the variable name, so a test database that outlives one run can
 *   still be read by the next. Never put real personal data in a test environment.
 * Production never reaches this file: the variables are required there (see app-config.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GENERATED_SECRET_NAMES = ['API_TOKEN_SECRET', 'SESSION_SECRET', 'PII_MASTER_KEY'] as const;
export type GeneratedSecretName = (typeof GENERATED_SECRET_NAMES)[number];
export type GeneratedSecrets = Record<GeneratedSecretName, string>;

export const DEV_SECRETS_FILE = 'secrets.json';

function fresh(): GeneratedSecrets {
  return {
    API_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
  };
}

export function testSecrets(): GeneratedSecrets {
  const derive = (name: string) =>
    createHash('sha256').update(`induction-ledger test secret ${name}`).digest();
  return {
    API_TOKEN_SECRET: derive('API_TOKEN_SECRET').toString('base64url'),
    SESSION_SECRET: derive('SESSION_SECRET').toString('base64url'),
    PII_MASTER_KEY: derive('PII_MASTER_KEY').toString('base64'),
  };
}

function isComplete(value: unknown): value is GeneratedSecrets {
  return (
    typeof value === 'object' &&
    value !== null &&
    GENERATED_SECRET_NAMES.every((name) => typeof (value as Record<string, unknown>)[name] === 'string')
  );
}

function read(file: string): GeneratedSecrets {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isComplete(parsed)) {
    throw new Error(`${file} is not a complete secrets file (delete it to regenerate)`);
  }
  return parsed;
}

/**
 * Reads `<dataDir>/secrets.json`, creating it when missing. The api and the worker may start together:
 * the file is written aside and hard-linked into place, which fails if the other won, so both end up
 * reading the same complete file.
 */
export function loadOrCreateDevSecrets(dataDir: string): GeneratedSecrets {
  const file = join(dataDir, DEV_SECRETS_FILE);
  try {
    return read(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, JSON.stringify(fresh(), null, 2) + '\n', { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return read(file);
}
