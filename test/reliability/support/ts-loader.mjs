// Runs the TypeScript sources in a child process without a build (the projection-worker fault test): Node
// module hooks that map the `#<lib>/` aliases and `.js` specifiers to the `.ts` files and transpile them
// with TypeScript's transpileModule (the same transpile-only approach as ts-jest in this repository).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'node:module';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const LIBS = ['induction', 'event-store', 'read-models', 'jobs', 'platform'];
/** Transpiled output by hash of the source: the second worker of a test starts without transpiling again. */
const cache = join(tmpdir(), 'ledger-ts-loader-cache');
mkdirSync(cache, { recursive: true });

export async function resolve(specifier, context, next) {
  const alias = /^#([\w-]+)\/(.*)\.js$/.exec(specifier);
  if (alias && LIBS.includes(alias[1])) {
    return { url: pathToFileURL(`${root}libs/${alias[1]}/src/${alias[2]}.ts`).href, shortCircuit: true };
  }
  if ((specifier.startsWith('.') || specifier.startsWith('file:')) && specifier.endsWith('.js')) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = readFileSync(fileURLToPath(url), 'utf8');
  const cached = join(cache, `${createHash('sha256').update(url).update(source).digest('hex')}.js`);
  if (existsSync(cached))
    return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  const { outputText } = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2023,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      isolatedModules: true,
    },
  });
  // Written aside, then renamed: threads and processes loading the same file at once (a rebuild's worker
  // threads) must never read a half-written copy, which loads as a module with missing exports.
  const aside = `${cached}.${process.pid}.${threadId}.tmp`;
  writeFileSync(aside, outputText);
  renameSync(aside, cached);
  return { format: 'module', source: outputText, shortCircuit: true };
}

if (!process.env.TS_LOADER_REGISTERED) {
  process.env.TS_LOADER_REGISTERED = '1';
  register(import.meta.url);
}
