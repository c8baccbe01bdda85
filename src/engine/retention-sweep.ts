/**
 * The retention sweep: on the engine's clock, every `intervalMs`, one `Store.sweepRetention` pass deletes
 * what the store keeps only for a while (rules in `src/store/retention.ts`): events older than `eventsMs`
 * that no live run, wait, debounce or batch can still read, expired event-id dedup keys and, on a shared
 * store, past throttle times, ended singleton holders, admissions older than every window and slot rows of
 * ended runs; and the history: runs ended more than `runsMs` ago with their steps, usage records older than
 * `usageMs`. Every worker of a shared store runs its own; the store makes passes that overlap safe (each
 * row is deleted by one of them, none waits for the other).
 *
 * A row "stopped counting" only `RETENTION_MARGIN_MS` before `now`: workers' clocks differ a little (as
 * leases already assume), and a row one worker finds expired must be expired for all of them.
 *
 * The timer never keeps the process alive (an idle app with nothing else to do exits as before); the first
 * pass is `firstDelayMs` after start, so a process restarted more often than `intervalMs` still sweeps.
 * A pass that fails is logged once (until one succeeds) and tried again at the next interval. `stop` aborts
 * a pass between two batches and waits for it, so the store is never closed under it.
 *
 * @module
 */
import { noneDeleted, type RetentionInput, type RetentionResult } from "../store/retention.js";
import type { Store } from "../store/store.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { Logger } from "./types.js";

/** How long after it stopped counting a row is deleted, ms: the clock difference between workers allowed. */
export const RETENTION_MARGIN_MS = 5 * 60_000;

/** Rows one statement (one short transaction) of a pass deletes at most. */
export const RETENTION_BATCH = 500;

export interface RetentionSweepDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Time between passes, ms. */
  intervalMs: number;
  /** Events are kept at least this long after they were received, ms. */
  eventsMs: number;
  /** Ended runs are kept at least this long after they ended, ms; `false`: for ever. */
  runsMs: number | false;
  /** Usage records are kept at least this long after the call, ms; `false`: for ever. */
  usageMs: number | false;
  /**
   * How far back (ms) the engine reads ended runs when it starts (flow control's throttle lookbacks,
   * `EngineFlow.historyMs`), read at each pass (functions are defined after the client).
   */
  historyMs: () => number;
  /** Delay of the first pass after `start`, ms. */
  firstDelayMs: number;
  /** Rows per batch. @default RETENTION_BATCH */
  batchSize?: number;
}

export class RetentionSweep {
  private timer: TimerHandle | undefined;
  private stopped = false;
  /** Whether the last pass failed (a store error is logged once until a pass succeeds again). */
  private failing = false;
  /** The pass in flight, and how to abort it. */
  private running: { pass: Promise<unknown>; abort: AbortController } | undefined;

  constructor(private readonly deps: RetentionSweepDeps) {}

  /** Arms the first pass (`firstDelayMs` from now), then one every `intervalMs`. Idempotent. */
  start(): void {
    if (this.timer === undefined && this.running === undefined && !this.stopped)
      this.arm(this.deps.firstDelayMs);
  }

  /** Clears the timer; aborts the pass in flight between two batches and resolves once it has stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.running?.abort.abort();
    await this.running?.pass;
  }

  /**
   * One pass now (after the one in flight, if any): the rows deleted, per kind. Store errors are logged
   * once (until a pass succeeds again), not thrown: the result then counts nothing.
   */
  async sweep(): Promise<RetentionResult> {
    await this.running?.pass;
    const abort = new AbortController();
    const pass = this.pass(abort.signal);
    this.running = { pass, abort };
    try {
      return await pass;
    } finally {
      if (this.running?.pass === pass) this.running = undefined;
    }
  }

  private async pass(signal: AbortSignal): Promise<RetentionResult> {
    const { store, clock, logger } = this.deps;
    try {
      const deleted = await store.sweepRetention(this.input(clock.now(), signal));
      this.failing = false;
      if (Object.values(deleted).some((rows) => rows > 0)) logger.debug("retention sweep", { ...deleted });
      return deleted;
    } catch (error) {
      if (!this.failing) logger.error("retention sweep failed; retrying at the next interval", { error });
      this.failing = true;
      return noneDeleted();
    }
  }

  /**
   * What a pass at `now` deletes: runs that ended before `now − runsMs`, and never after `now − margin −
   * historyMs()` (what a start-up reads back stays, on every worker's clock); usage before `now − usageMs`.
   */
  private input(now: number, signal: AbortSignal): RetentionInput {
    const { eventsMs, runsMs, usageMs, historyMs } = this.deps;
    const expiredBefore = now - RETENTION_MARGIN_MS;
    const input: RetentionInput = {
      eventsBefore: now - eventsMs,
      expiredBefore,
      batchSize: this.deps.batchSize ?? RETENTION_BATCH,
      signal,
    };
    if (runsMs !== false) input.runsBefore = Math.min(now - runsMs, expiredBefore - historyMs());
    if (usageMs !== false) input.usageBefore = now - usageMs;
    return input;
  }

  private arm(delayMs: number): void {
    const handle = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.sweep().then(() => {
        if (!this.stopped && this.timer === undefined) this.arm(this.deps.intervalMs);
      });
    }, delayMs);
    // A Node timer (the system clock): retention alone never keeps the process alive.
    (handle as { unref?: () => void } | null)?.unref?.();
    this.timer = handle;
  }
}
