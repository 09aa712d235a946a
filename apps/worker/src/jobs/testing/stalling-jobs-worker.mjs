// The real job processors (ledger-jobs.ts) in a child process that records a reminder's effect and then hangs
// before the job completes, so test/integration/jobs.int-spec.ts can SIGKILL it mid-job.
// Env: DATABASE_URL, DATA_DIR (the parent's, for the same development secrets), REDIS_URL, JOBS_PREFIX.
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
const { runStallingWorker } = await import('./stalling-jobs-worker.ts');
await runStallingWorker();
