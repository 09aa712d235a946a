import type { Logger } from 'pino';
import type { AppConfig } from '#platform/config/app-config.js';
import { composeLedger } from '../compose.js';
import { scaleProfile } from './scale-profiles.js';
import { writeScaleData } from './write-scale-data.js';

export const DEFAULT_SEED = 20_250_901;

/** `ledger generate --scale hub|national [--seed N]`. */
export async function runGenerate(
  config: AppConfig,
  logger: Logger,
  args: { scale?: string; seed?: string },
): Promise<number> {
  let profile;
  try {
    profile = scaleProfile(args.scale ?? 'hub');
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const seed = args.seed === undefined ? DEFAULT_SEED : Number(args.seed);
  if (!Number.isSafeInteger(seed)) {
    console.error(`--seed must be a whole number (got "${args.seed}")`);
    return 2;
  }
  const ledger = await composeLedger(config, logger);
  try {
    console.log(
      `Generating ${profile.name} scale data (${profile.ects} ECTs, ${profile.schools} schools), seed ${seed}...`,
    );
    const result = await writeScaleData(ledger, {
      profile,
      seed,
      onProgress: (stats, seconds) =>
        console.log(
          `  ${stats.ects} ECTs, ${stats.events} events, ${Math.round(stats.events / seconds)} events/s`,
        ),
    });
    console.log(
      `Wrote ${result.events} events: ${result.schools} schools, ${result.ects} ECTs in ${result.seconds.toFixed(1)} s ` +
        `(${Math.round(result.eventsPerSecond)} events/s${result.alreadyThere ? `; ${result.alreadyThere} streams were already there` : ''}).`,
    );
    console.log(
      `Event types: ${Object.entries(result.byType)
        .sort((a, b) => b[1] - a[1])
        .map(([type, n]) => `${type} ${n}`)
        .join(', ')}`,
    );
    return 0;
  } finally {
    await ledger.runtime.close();
  }
}
