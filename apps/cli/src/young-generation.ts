import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * The young generation `ledger rebuild` runs with: a rebuild folds every event into states that stay in its
 * write-behind cache, so it allocates fast and Node's default semi-space (16 MB) scavenges often. With 64 MB the
 * national rebuild in time order took 417.9 s instead of 523.7 s (bench/README.md, "Fifth pass"). Scavenges
 * cost what survives, not the space's size, so the larger space costs memory only while it is used.
 */
export const REBUILD_SEMI_SPACE_MB = 64;

/** V8's young-generation flags: a process started with one of them has a size someone chose. */
const YOUNG_GENERATION_FLAG = /^--(max|min)[-_]semi[-_]space[-_]size\b/;

export interface NodeProcessArguments {
  /** `process.execArgv`: Node's own flags. */
  readonly execArgv: readonly string[];
  /** `process.argv`: the node binary, the script, the command's arguments. */
  readonly argv: readonly string[];
  /** `NODE_OPTIONS`, where flags can be given too. */
  readonly nodeOptions: string | undefined;
}

/**
 * The node arguments that run this same command again with a `semiSpaceMb` young generation, or null when the
 * process was started with a young-generation flag of its own (on the command line or in `NODE_OPTIONS`): the
 * operator's choice wins, and the relaunched process, which has the flag, does not relaunch again. V8 sizes the
 * young generation when the process starts, so `v8.setFlagsFromString` cannot change it later.
 */
export function youngGenerationRelaunch(
  current: NodeProcessArguments,
  semiSpaceMb: number = REBUILD_SEMI_SPACE_MB,
): string[] | null {
  const given = [...current.execArgv, ...(current.nodeOptions ?? '').split(/\s+/)];
  if (given.some((flag) => YOUNG_GENERATION_FLAG.test(flag))) return null;
  return [`--max-semi-space-size=${semiSpaceMb}`, ...current.execArgv, ...current.argv.slice(1)];
}

/**
 * Runs `node <args>` with this process's terminal and environment and resolves with its exit code (128 + the
 * signal's number if a signal ended it). SIGTERM is passed on; SIGINT from a terminal reaches the child by its
 * process group, so this process only stops itself from exiting on it first.
 */
export function relaunchNode(args: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  const passOnTerm = (): void => {
    child.kill('SIGTERM');
  };
  const waitForChild = (): void => undefined;
  process.on('SIGTERM', passOnTerm);
  process.on('SIGINT', waitForChild);
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', passOnTerm);
      process.off('SIGINT', waitForChild);
      resolve(code ?? (signal ? 128 + constants.signals[signal] : 1));
    });
  });
}
