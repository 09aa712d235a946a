import type { Logger } from 'pino';
import type { AppConfig } from '#platform/config/app-config.js';
import { openLedgerRuntime, type LedgerRuntime } from '#platform/runtime/ledger-runtime.js';
import { ectIdSecret } from '#platform/personal-data/keyed-id.js';
import type { Projection } from '#read-models/projection.js';
import {
  createLedgerDomain,
  refreshCalendar,
  type LedgerDomain,
} from '../../api/src/domain/ledger-domain.js';
import { keyedPersonId, type PersonIdDeriver } from '../../api/src/domain/person-identity.js';
import { IdempotencyKeyEntity } from '../../api/src/http/idempotency.store.js';
import { BulkUploadEntity } from '../../api/src/bulk-upload/bulk-upload.entity.js';
import { ApiTokenRevocationEntity } from '../../api/src/auth/token-revocations.js';
import { ledgerProjections } from '../../worker/src/projections.js';

export interface Ledger {
  runtime: LedgerRuntime;
  domain: LedgerDomain;
  projections: Projection[];
  deriveId: PersonIdDeriver;
}

/** The composition root shared by `serve`, `rebuild`, `seed-demo` and the e2e tests. */
export async function composeLedger(config: AppConfig, _logger?: Logger): Promise<Ledger> {
  const domain = createLedgerDomain({ hubSchoolUrns: config.hubSchoolUrns });
  const runtime = await openLedgerRuntime(config, {
    projections: ledgerProjections(domain),
    entities: [IdempotencyKeyEntity, BulkUploadEntity, ApiTokenRevocationEntity],
    ...(_logger ? { onJobQueueError: throttledJobQueueWarning(_logger) } : {}),
  });
  // R1: the calendar hub staff configured is in the log: every process (api, worker, `rebuild`) starts with it,
  // and the projections are built with it.
  await refreshCalendar(runtime.eventStore, domain);
  const projections = ledgerProjections(domain);
  let secret: Promise<Buffer> | undefined;
  const deriveId: PersonIdDeriver = async (namespace, value) => {
    secret ??= ectIdSecret(runtime.keyVault);
    return keyedPersonId(await secret, namespace, value);
  };
  return { runtime, domain, projections, deriveId };
}

/**
 * While Redis is away every reconnection attempt fails: one warning per distinct message a minute, through the
 * service's (redacting, JSON) logger, instead of a stack trace on the console per attempt.
 */
function throttledJobQueueWarning(logger: Logger): (err: Error) => void {
  const lastLogged = new Map<string, number>();
  return (err) => {
    const now = Date.now();
    if (now - (lastLogged.get(err.message) ?? 0) < 60_000) return;
    lastLogged.set(err.message, now);
    logger.warn({ err }, 'job queue: Redis unavailable; jobs wait until it returns');
  };
}
