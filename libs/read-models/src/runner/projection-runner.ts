import type { DataSource, EntityManager } from 'typeorm';
import type { AppendWatch, EventStore, LogPosition, RecordedEvent } from '#event-store/event-store.port.js';
import { comparePositions } from '#event-store/event-store.port.js';
import type { Projection } from '../projection.js';
import {
  ProjectionCheckpoint,
  checkpointPosition,
  samePosition,
} from '../checkpoints/projection-checkpoint.entity.js';

export interface ProjectionRunnerOptions {
  batchSize?: number;
  /** How often an idle loop reads the log when the store does not tell the runner of appends. */
  pollIntervalMs?: number;
  /**
   * Set: the runner watches the store's appends (`watchAppends`; PostgreSQL's LISTEN) and every append wakes
   * the loops at once; while that watch is live an idle loop reads only every `safetyPollMs` (in case a
   * notification is lost), or every `pollIntervalMs` while commits are hidden behind an older open
   * transaction. While the watch is not live (the LISTEN connection is down; PGlite; EventStoreDB) the loops
   * poll every `pollIntervalMs` as without it. Unset: no watch.
   */
  safetyPollMs?: number;
  /** How often a runner that does not hold a projection's claim tries again (another worker holds it). */
  claimRetryMs?: number;
  onError?: (projection: string, error: unknown) => void;
}

/** What one batch did: events moved past (0: nothing new) and whether it read all there was (a short batch). */
interface Step {
  moved: number;
  drained: boolean;
}

interface RunningProjection {
  projection: Projection;
  position: LogPosition | undefined;
  claimed: boolean;
  lastError: string | null;
  eventsApplied: number;
  /** The step in progress: `catchUp()` beside the loop must not read the same batch and apply it twice. */
  stepping: Promise<unknown>;
}

export interface ProjectionStatus {
  name: string;
  position: LogPosition | null;
  claimed: boolean;
  lastError: string | null;
  eventsApplied: number;
}

/** Postgres advisory-lock key for a projection's claim: one runner per projection across all workers. */
function claimKey(name: string): string {
  return `ledger.projection.${name}`;
}

/**
 * Runs projections: reads the log after each projection's checkpoint, applies a batch and moves the
 * checkpoint in ONE transaction. Each batch first locks the projection's checkpoint row and checks that
 * it has not moved under us (a rebuild swapped tables in, or another worker took over): then it reloads.
 * Locking the checkpoint row before any table keeps the lock order the same as the rebuild swap's.
 */
export class ProjectionRunner {
  private readonly running = new Map<string, RunningProjection>();
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly claimRetryMs: number;
  private stopped = false;
  /**
   * The loops' pending sleeps, each woken (and removed) by `stop`, its own timer or, when its value is true,
   * `poke` (a claim retry is not: a standby worker would try every claim on every append).
   */
  private readonly sleepers = new Map<() => void, boolean>();
  /** Counts pokes, so a loop poked while it was reading does not then sleep through that poke. */
  private pokes = 0;
  /** With `safetyPollMs`: the store's append watch, which pokes. */
  private watch: AppendWatch | null = null;
  /** The `commitsHidden` check in flight, shared by the loops that wake together (see `readyToRead`). */
  private hiddenCheck: { pokes: number; since: number; hidden: Promise<boolean> } | null = null;
  /** Reads of the log started so far: a read is numbered by it, a loop's `since` is its value (see `readBatch`). */
  private readsStarted = 0;
  /** Reads in flight by the position they read after: loops at that position share one (see `readBatch`). */
  private readonly reads = new Map<string, { seq: number; events: Promise<RecordedEvent[]> }>();
  private loops: Promise<void>[] = [];
  private claimConnection: {
    query(sql: string, params?: unknown[]): Promise<unknown>;
    release(): Promise<void>;
  } | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    for (const projection of projections) {
      this.running.set(projection.name, {
        projection,
        position: undefined,
        claimed: false,
        lastError: null,
        eventsApplied: 0,
        stepping: Promise.resolve(),
      });
    }
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.claimRetryMs = options.claimRetryMs ?? 5000;
  }

  get projections(): Projection[] {
    return [...this.running.values()].map((r) => r.projection);
  }

  /**
   * Swaps in new instances of projections this runner already runs (same names and tables), e.g. built with
   * a new calendar (R1). Each loop picks the new one up at its next batch; positions and claims are kept.
   * Unknown names are ignored. Returns the names replaced.
   */
  replaceProjections(projections: readonly Projection[]): string[] {
    const replaced: string[] = [];
    for (const projection of projections) {
      const running = this.running.get(projection.name);
      if (!running) continue;
      running.projection = projection;
      replaced.push(projection.name);
    }
    return replaced;
  }

  async start(): Promise<void> {
    await ensureCheckpointRows(this.dataSource, this.projections);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    // One connection holds the advisory locks, and every loop claims on it at start: its queries go one at a
    // time. pg ran them in turn anyway, but a query on a client still busy with another is deprecated (the
    // worker warned at every start) and refused from pg@9.
    let claiming: Promise<unknown> = Promise.resolve();
    this.claimConnection = {
      query: (sql, params) => {
        const result = claiming.then(() => runner.query(sql, params));
        claiming = result.catch(() => undefined);
        return result;
      },
      release: () => runner.release(),
    };
    this.stopped = false;
    if (this.options.safetyPollMs !== undefined)
      this.watch = this.store.watchAppends?.(() => this.poke()) ?? null;
    this.loops = [...this.running.values()].map((r) => this.loop(r));
  }

  /** True while the store's append watch is live: idle loops read on appends and on the safety poll. */
  get watching(): boolean {
    return this.watch?.live ?? false;
  }

  /** Sleeps pending now: at most one per loop (a regression test holds it to that). */
  get pendingSleeps(): number {
    return this.sleepers.size;
  }

  /**
   * Wakes every idle loop now, instead of at the next poll (the append watch calls it on every append it
   * hears; a loop reading now reads again when it is done).
   */
  poke(): void {
    this.pokes++;
    for (const [wake, pokeable] of [...this.sleepers]) if (pokeable) wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.close();
    this.watch = null;
    for (const wake of [...this.sleepers.keys()]) wake();
    await Promise.all(this.loops);
    this.loops = [];
    if (this.claimConnection) {
      await this.claimConnection.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      await this.claimConnection.release().catch(() => undefined);
      this.claimConnection = null;
    }
  }

  status(): ProjectionStatus[] {
    return [...this.running.values()].map((r) => ({
      name: r.projection.name,
      position: r.position ?? null,
      claimed: r.claimed,
      lastError: r.lastError,
      eventsApplied: r.eventsApplied,
    }));
  }

  /** Applies everything committed so far to every projection this runner has claimed (tests, CLI). */
  async catchUp(): Promise<void> {
    for (const r of this.running.values()) {
      if (!r.claimed && !(await this.claim(r))) continue;
      while ((await this.step(r, this.readsStarted)).moved > 0) {
        /* keep going until the log is drained */
      }
    }
  }

  private async claim(r: RunningProjection): Promise<boolean> {
    if (!this.claimConnection) return false;
    const rows = (await this.claimConnection.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      claimKey(r.projection.name),
    ])) as { ok: boolean }[];
    r.claimed = rows[0]?.ok === true;
    if (r.claimed) r.position = await readCheckpoint(this.dataSource.manager, r.projection.name);
    return r.claimed;
  }

  private async loop(r: RunningProjection): Promise<void> {
    while (!this.stopped) {
      try {
        if (!r.claimed && !(await this.claim(r))) {
          await this.sleep(this.claimRetryMs, { pokeable: false });
          continue;
        }
        const { pokes, hidden, since } = await this.readyToRead();
        const { moved, drained } = await this.step(r, since);
        r.lastError = null;
        // Nothing new, or all there was (a short batch) with nothing hidden: what was committed since comes with
        // a poke after `pokes`, so the loop need not read again to find the log empty (one read per append,
        // not two).
        if (moved === 0 || (drained && !hidden))
          await this.sleep(hidden ? this.pollIntervalMs : this.idlePollMs(), { pokes });
      } catch (error) {
        r.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(r.projection.name, error);
        await this.sleep(Math.max(this.pollIntervalMs, 1000));
      }
    }
  }

  /** How long an idle loop sleeps when no commit is hidden: the safety poll while the watch is live. */
  private idlePollMs(): number {
    const { safetyPollMs } = this.options;
    return safetyPollMs !== undefined && this.watching ? safetyPollMs : this.pollIntervalMs;
  }

  /**
   * Before a loop reads: the poke count a sleep after the read must not miss, and, while the watch is live,
   * whether committed events are hidden behind an older open transaction. `readAll` returns no event while
   * an older transaction may still commit one (so none is ever skipped), but the commit that ends that
   * transaction need not notify (it may append nothing), so after an empty read the loop would sleep the
   * safety poll with events waiting; while any are hidden it polls at `pollIntervalMs` instead, as without a
   * watch. Asked before the read: false then means the read returns everything committed so far, and
   * anything committed after it comes with a notification (a poke after `pokes`). The loops woken by one
   * poke share one check; a loop joining it takes its poke count, so a poke since the check began wakes it.
   */
  private async readyToRead(): Promise<{ pokes: number; hidden: boolean; since: number }> {
    const watch = this.watch;
    if (!watch?.commitsHidden || !watch.live)
      return { pokes: this.pokes, hidden: false, since: this.readsStarted };
    let shared = this.hiddenCheck;
    if (!shared) {
      const started = {
        pokes: this.pokes,
        since: this.readsStarted,
        hidden: watch.commitsHidden().then(
          (hidden) => hidden,
          () => true,
        ),
      };
      this.hiddenCheck = shared = started;
      void started.hidden.finally(() => {
        if (this.hiddenCheck === started) this.hiddenCheck = null;
      });
    }
    return { pokes: shared.pokes, hidden: await shared.hidden, since: shared.since };
  }

  /**
   * The batch after `after`, read once for every loop at that position: the loops woken by one append read the
   * same events, and each read (and its decryption) was made once per projection, 11 times per command. A loop
   * joins a read in flight only if it began after `since` (the read count when the loop's `readyToRead` began),
   * so it sees everything its own read would have: what was committed before its hidden check, and before the
   * poke count it sleeps on. Events are shared, as a rebuild's page is: projections never change them.
   */
  private readBatch(after: LogPosition | undefined, since: number): Promise<RecordedEvent[]> {
    const key = after ? `${after.commit}/${after.prepare}` : '';
    const shared = this.reads.get(key);
    if (shared && shared.seq > since) return shared.events;
    const read = {
      seq: ++this.readsStarted,
      events: this.store.readAll({ ...(after ? { after } : {}), limit: this.batchSize }),
    };
    this.reads.set(key, read);
    const done = () => {
      if (this.reads.get(key) === read) this.reads.delete(key);
    };
    read.events.then(done, done);
    return read.events;
  }

  /** One batch, after any step of this projection in progress (the loop's or `catchUp()`'s). */
  private step(r: RunningProjection, since: number): Promise<Step> {
    const next = r.stepping.then(
      () => this.stepOnce(r, since),
      () => this.stepOnce(r, since),
    );
    r.stepping = next.catch(() => undefined);
    return next;
  }

  /** One batch: how many events it moved past (0 when there was nothing new), and whether that was all. */
  private async stepOnce(r: RunningProjection, since: number): Promise<Step> {
    const batch = await this.readBatch(r.position, since);
    if (batch.length === 0) return { moved: 0, drained: true };
    const last = batch[batch.length - 1]!.position;
    const drained = batch.length < this.batchSize;
    const relevant = filterEvents(r.projection, batch);
    if (relevant.length === 0) {
      // Nothing to apply (most projections, for most appends): the checkpoint moves in one statement, on the
      // condition a batch's transaction checks under its lock, instead of four (begin, lock, update, commit).
      // It locks no table, so it cannot wait on a rebuild's swap in another order.
      if (await advanceCheckpoint(this.dataSource.manager, r.projection.name, r.position, last)) {
        r.position = last;
        return { moved: batch.length, drained };
      }
      r.position = await readCheckpoint(this.dataSource.manager, r.projection.name);
      return { moved: 1, drained: false };
    }
    const outcome = await this.dataSource.transaction(async (em) => {
      const stored = await lockCheckpoint(em, r.projection.name);
      if (!samePosition(stored, r.position)) return { moved: true as const, stored };
      await r.projection.apply(relevant, em);
      await writeCheckpoint(em, r.projection.name, last);
      return { moved: false as const, stored };
    });
    if (outcome.moved) {
      r.position = outcome.stored;
      return { moved: 1, drained: false };
    }
    r.position = last;
    r.eventsApplied += relevant.length;
    return { moved: batch.length, drained };
  }

  /** `pokes`: the poke count before the read this sleep follows; a poke since then ends it at once. */
  private sleep(
    ms: number,
    { pokes, pokeable = true }: { pokes?: number; pokeable?: boolean } = {},
  ): Promise<void> {
    // Stopped while stepping (no sleep to wake then): do not start a poll interval's sleep.
    if (this.stopped) return Promise.resolve();
    if (pokes !== undefined && pokes !== this.pokes) return Promise.resolve();
    // A map of sleeps, not a chain of wakers each calling the one before: every sleep that timed out while a newer one
    // was pending stayed linked, so the chain grew by the loops' poll rate (11 projections at 100 ms: ~110 a
    // second) until a poke recursed through all of it and overflowed the stack (the national bench's worker,
    // minutes after start).
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.set(done, pokeable);
    });
  }
}

export function filterEvents(projection: Projection, events: readonly RecordedEvent[]): RecordedEvent[] {
  if (!projection.eventTypes) return [...events];
  const wanted = new Set(projection.eventTypes);
  return events.filter((e) => wanted.has(e.type));
}

export async function ensureCheckpointRows(
  dataSource: DataSource,
  projections: readonly Projection[],
): Promise<void> {
  for (const p of projections) {
    await dataSource.query(
      `INSERT INTO projection_checkpoints (name, commit_position, prepare_position, updated_at, version)
       VALUES ($1, NULL, NULL, now(), $2) ON CONFLICT (name) DO NOTHING`,
      [p.name, projectionVersion(p)],
    );
  }
}

/** A projection's declared version (1 when it declares none). */
export const projectionVersion = (p: Projection): number => p.version ?? 1;

export async function readCheckpoint(em: EntityManager, name: string): Promise<LogPosition | undefined> {
  return checkpointPosition(await em.findOne(ProjectionCheckpoint, { where: { name } }));
}

export async function lockCheckpoint(em: EntityManager, name: string): Promise<LogPosition | undefined> {
  const rows = (await em.query(
    'SELECT commit_position AS "commitPosition", prepare_position AS "preparePosition" FROM projection_checkpoints WHERE name = $1 FOR UPDATE',
    [name],
  )) as { commitPosition: string | null; preparePosition: string | null }[];
  return checkpointPosition(rows[0]);
}

export async function writeCheckpoint(
  em: EntityManager,
  name: string,
  position: LogPosition | undefined,
  rebuilt = false,
  /** With `rebuilt`: the version of the projection that wrote the swapped-in tables. */
  version?: number,
): Promise<void> {
  await em.query(
    `UPDATE projection_checkpoints SET commit_position = $2, prepare_position = $3, updated_at = now()${rebuilt ? ', rebuilt_at = now()' : ''}${version !== undefined ? ', version = $4' : ''}
     WHERE name = $1`,
    [
      name,
      position ? position.commit.toString() : null,
      position ? position.prepare.toString() : null,
      ...(version !== undefined ? [version] : []),
    ],
  );
}

/**
 * Moves the checkpoint from `from` to `to` in one statement, only if it is still at `from` (nobody moved it
 * under us: a rebuild's swap, another worker). False when it was not there.
 */
export async function advanceCheckpoint(
  em: EntityManager,
  name: string,
  from: LogPosition | undefined,
  to: LogPosition,
): Promise<boolean> {
  const rows = (await em.query(
    `WITH moved AS (
       UPDATE projection_checkpoints SET commit_position = $2, prepare_position = $3, updated_at = now()
       WHERE name = $1 AND commit_position IS NOT DISTINCT FROM $4::bigint
         AND prepare_position IS NOT DISTINCT FROM $5::bigint
       RETURNING 1)
     SELECT count(*)::int AS n FROM moved`,
    [
      name,
      to.commit.toString(),
      to.prepare.toString(),
      from ? from.commit.toString() : null,
      from ? from.prepare.toString() : null,
    ],
  )) as { n: number }[];
  return rows[0]?.n === 1;
}

/** True when the checkpoint has reached (or passed) the given log position. */
export function hasReached(checkpoint: LogPosition | undefined, target: LogPosition): boolean {
  return checkpoint !== undefined && comparePositions(checkpoint, target) >= 0;
}
