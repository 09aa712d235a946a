// Jest runs in ESM mode: NestJS 12 ships ES modules, which jest's CommonJS mode cannot load on Node 20
// (see shared/design/stack-notes.md). Type-checking is `npm run typecheck`'s job, so ts-jest only transpiles.
const aliases = ['induction', 'event-store', 'read-models', 'jobs', 'platform'];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: ['<rootDir>/{apps,libs,test,bench}/**/*.{spec,int-spec,e2e-spec}.ts'],
  moduleNameMapper: {
    ...Object.fromEntries(aliases.map((a) => [`^#${a}/(.*)\\.js$`, `<rootDir>/libs/${a}/src/$1`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  reporters: ['default', '<rootDir>/test/support/totals-reporter.js'],
  // Embedded PGlite is one WebAssembly backend: a whole test ledger takes several times longer to start there.
  testTimeout: process.env['DATABASE_URL'] ? 30_000 : 120_000,
  maxWorkers: 2,
};
