// A module loader that runs this repository's TypeScript in a plain `node` child process (the SIGKILL test
// in test/integration/jobs.int-spec.ts): `#lib/*.js` aliases and relative `.js` imports resolve to `.ts`
// sources, which `typescript.transpileModule` turns into ESM (as ts-jest does for jest, types unchecked).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, URL } from 'node:url';
import ts from 'typescript';

const root = new URL('../../../../../', import.meta.url);
const ALIASES = ['induction', 'event-store', 'read-models', 'jobs', 'platform'];

export async function resolve(specifier, context, next) {
  for (const lib of ALIASES) {
    if (specifier.startsWith(`#${lib}/`)) {
      const path = `libs/${lib}/src/${specifier.slice(lib.length + 2).replace(/\.js$/, '.ts')}`;
      return { url: new URL(path, root).href, format: 'module', shortCircuit: true };
    }
  }
  if (/^\.\.?\//.test(specifier) && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
