// A rebuild's worker thread (libs/read-models/src/runner/rebuild-worker.ts) run from the TypeScript sources,
// without a build: the module hooks of ts-loader.mjs, registered in this thread, then the worker itself. A
// spec passes this file as `RebuildThreads.script` (jest's transform does not reach worker threads).
import '../reliability/support/ts-loader.mjs';

import { URL } from 'node:url';

await import(new URL('../../libs/read-models/src/runner/rebuild-worker.ts', import.meta.url).href);
