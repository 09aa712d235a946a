import { REBUILD_SEMI_SPACE_MB, relaunchNode, youngGenerationRelaunch } from './young-generation.js';

const script = '/app/dist/apps/cli/src/main.js';

describe('youngGenerationRelaunch', () => {
  it('runs the same command again with the rebuild young generation, keeping Node flags first', () => {
    expect(
      youngGenerationRelaunch({
        execArgv: ['--enable-source-maps'],
        argv: ['/usr/bin/node', script, 'rebuild', '--all'],
        nodeOptions: undefined,
      }),
    ).toEqual([
      `--max-semi-space-size=${REBUILD_SEMI_SPACE_MB}`,
      '--enable-source-maps',
      script,
      'rebuild',
      '--all',
    ]);
  });

  it.each([
    [['--max-semi-space-size=16'], undefined],
    [['--max_semi_space_size=32'], undefined],
    [['--min-semi-space-size=8'], undefined],
    [[], '--inspect --max-semi-space-size=128'],
  ])(
    'leaves a young generation the operator chose alone (flags %p, NODE_OPTIONS %p)',
    (execArgv, nodeOptions) => {
      expect(
        youngGenerationRelaunch({
          execArgv,
          argv: ['/usr/bin/node', script, 'rebuild', '--all'],
          nodeOptions,
        }),
      ).toBeNull();
    },
  );

  it('does not mistake another flag for a young-generation one', () => {
    expect(
      youngGenerationRelaunch({
        execArgv: ['--max-old-space-size=8192'],
        argv: ['/usr/bin/node', script, 'rebuild', 'ect-register'],
        nodeOptions: '--max-semi-space-sizes-are-not-a-flag',
      }),
    ).toEqual([`--max-semi-space-size=64`, '--max-old-space-size=8192', script, 'rebuild', 'ect-register']);
  });
});

describe('relaunchNode', () => {
  // The child allocates objects that survive, so V8 grows its new space (it starts small) as far as it may,
  // then reports through its exit code whether that is past the default's 2 × 16 MB semi-spaces.
  const newSpaceProbe =
    'const kept = []; for (let i = 0; i < 3e6; i++) kept.push({ a: i, b: [i] });' +
    "const s = require('node:v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');" +
    'process.exit(s.space_size > 50e6 ? 7 : 3);';

  it('runs node with the flags and resolves with its exit code', async () => {
    const relaunch = youngGenerationRelaunch({
      execArgv: [],
      argv: ['/usr/bin/node', '-e', newSpaceProbe],
      nodeOptions: undefined,
    });
    // argv.slice(1) keeps '-e' and the script, as a real relaunch keeps the script path.
    await expect(relaunchNode(relaunch ?? [])).resolves.toBe(7);
  });

  it('a child without the flag has the default new space', async () => {
    await expect(relaunchNode(['-e', newSpaceProbe])).resolves.toBe(3);
  });

  it('reports a child ended by a signal as 128 + its number', async () => {
    await expect(relaunchNode(['-e', "process.kill(process.pid, 'SIGTERM')"])).resolves.toBe(128 + 15);
  });
});
