/**
 * The periodic sweep of wake-ups: on the engine's clock, every run that is claimable within the horizon
 * (`Store.listDueRuns(now + horizonMs)`, page after page: sleeps and retries coming due, waits resolved or
 * timing out, leases expired or expiring — a process that died or was cut off — and delayed starts) is
 * handed to `onDue`, which keeps the ones this process does not have in hand, each on a timer at its wake-up
 * time. Wake-ups further away are not kept in memory (`Dispatcher.horizon`): a sweep reads them when they
 * come within the horizon, so a parked run costs memory only in its last minutes. Backlogged runs (never
 * started) are paged in by their backlogs (`backlog-windows.ts`); on a store other processes write, each
 * sweep after the first reads the backlogs' counts (`Store.listBacklogs`), so a backlog that another
 * process filled is found too. No run
 * waits for a restart.
 *
 * Pace: `intervalMs` after a sweep that queued something; after sweeps that found only runs already in hand
 * the pause doubles, up to `MAX_BACKOFF × intervalMs` (a busy process does not re-read its horizon every few
 * seconds); the horizon is one `intervalMs` longer than that longest pause, so every wake-up is read before
 * it is due. When nothing is claimable within the horizon, the next sweep is when the earliest later run
 * comes within it (a one-row read), and earlier if the engine parks a run that wakes sooner
 * ({@link RecoverySweep.wakeBy}): an idle app reads nothing every few seconds, and a fake clock moved by a year
 * fires thousands of sweeps, not millions.
 *
 * On a store other processes write, no pause is longer than `maxPauseMs` (the lease time): another process
 * makes wake-ups this one is never told of — every claim is one, at its lease's end — so a run claimed just
 * after a sweep by a worker that then dies (or that lost its lease, paused or overloaded) is read by the next
 * sweep before, or at most one pause after, its lease runs out. (A longer idle pause once stranded such runs:
 * a sweep that found only backlogged runs, which it does not read, slept for an hour while they were claimed.)
 *
 * @module
 */
import type { DueCursor, RunRecord, Store, StoredBacklog } from "../store/store.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { Logger } from "./types.js";

/** Longest pause between sweeps that find only runs already in hand, in `intervalMs`. */
export const MAX_BACKOFF = 12;

/** The horizon for a sweep interval and lease time, ms: wake-ups within it are kept in memory. */
export function sweepHorizonMs(intervalMs: number, leaseMs: number): number {
  return Math.max((MAX_BACKOFF + 1) * intervalMs, leaseMs + intervalMs);
}

export interface RecoverySweepDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Time between sweeps while runs are claimable, ms. */
  intervalMs: number;
  /** Wake-ups up to this far ahead are read and kept in memory, ms (see {@link sweepHorizonMs}). */
  horizonMs: number;
  /**
   * Longest pause between two sweeps, ms: the lease time (`leaseMs`) for a store that other processes write
   * (a lease taken after a sweep, whose owner then dies, is read by the next sweep by the time it ends);
   * `Infinity` for a store only this process writes (memory, SQLite), where the next sweep is simply when
   * the earliest wake-up comes within the horizon (or when `wakeBy` asks).
   */
  maxPauseMs: number;
  /** Runs read per page. */
  pageSize: number;
  /** A sweep starts: wake-ups up to `until` (ms) are kept in memory from now on. */
  onHorizon: (until: number) => void;
  /**
   * Called with each page of claimable runs (may be empty); returns how many it queued (not in hand before)
   * or watches (held by another process): while any, the sweep keeps its interval.
   */
  onDue: (runs: RunRecord[], now: number) => Promise<number>;
  /**
   * Called with the stored backlogs (`Store.listBacklogs`) on every sweep after the first; omitted for a store
   * only this process writes (nothing fills a backlog behind its back, and the grouped read is not free).
   */
  onBacklogs?: (backlogs: StoredBacklog[]) => void;
}

export class RecoverySweep {
  private timer: { handle: TimerHandle; at: number } | undefined;
  private started = false;
  private stopped = false;
  private sweeping = false;
  /** Whether the last sweep failed (a store error is logged once until a sweep succeeds again). */
  private failing = false;
  /** Sweeps in a row that queued nothing new. */
  private quiet = 0;
  /** The start-up sweep: start-up reads the backlogs itself. */
  private first = true;
  /** The earliest time a sweep must start by, as `wakeBy` or `sweepBy` asked, that no sweep has met yet (ms). */
  private wanted: number | undefined;

  constructor(private readonly deps: RecoverySweepDeps) {}

  /**
   * Sweeps now (start-up: the wake-ups within the horizon), then `intervalMs` later and on the pace above
   * from there (runs another process leaves behind after start-up are found within one interval).
   * Idempotent; nothing after `stop`.
   */
  async start(): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    await this.sweep();
    this.arm(this.deps.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  /** A run was left in the store to wake at `at` (ms): make sure a sweep reads it before then. */
  wakeBy(at: number): void {
    this.sweepBy(at - this.deps.horizonMs);
  }

  /**
   * Makes sure a sweep starts by `at` (ms; now if that has passed): for a run another process holds until its
   * lease ends at `at`, a sweep then finds the lease renewed (read again with its new end) or run out
   * (claimable: queued at once).
   */
  sweepBy(at: number): void {
    if (this.wanted === undefined || at < this.wanted) this.wanted = at;
    if (!this.started || this.stopped || this.sweeping) return;
    const sweepAt = Math.max(this.deps.clock.now(), at);
    if (this.timer !== undefined && this.timer.at <= sweepAt) return;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
    this.arm(sweepAt - this.deps.clock.now());
  }

  /**
   * One sweep now: reads every claimable run within the horizon and hands each page to `onDue`. Returns the
   * delay until the next sweep (ms; `Infinity`: none until `wakeBy`). Store errors are logged once (until a
   * sweep succeeds again), not thrown.
   */
  async sweep(): Promise<number> {
    const { store, clock, pageSize, intervalMs, horizonMs } = this.deps;
    const now = clock.now();
    const until = now + horizonMs;
    this.sweeping = true;
    this.deps.onHorizon(until);
    if (this.wanted !== undefined && this.wanted <= now) this.wanted = undefined;
    try {
      let found = 0;
      let queued = 0;
      let after: DueCursor | undefined;
      for (;;) {
        const runs = await store.listDueRuns(until, pageSize, after);
        found += runs.length;
        if (!this.stopped) queued += await this.deps.onDue(runs, now);
        const last = runs.at(-1);
        if (runs.length < pageSize || !last) break;
        after = { readyAt: last.readyAt ?? now, id: last.id };
      }
      const { onBacklogs } = this.deps;
      if (onBacklogs && this.started && !this.first) onBacklogs(await store.listBacklogs());
      this.first = false;
      this.failing = false;
      this.quiet = queued > 0 ? 0 : this.quiet + 1;
      const { maxPauseMs } = this.deps;
      if (found > 0) return Math.min(maxPauseMs, intervalMs * Math.min(MAX_BACKOFF, 2 ** this.quiet));
      const [next] = await store.listDueRuns(Math.min(Number.MAX_SAFE_INTEGER, until + maxPauseMs), 1);
      if (!next) return maxPauseMs;
      const claimableAt = Math.max(next.readyAt ?? now, next.leaseExpiresAt ?? now);
      return Math.min(maxPauseMs, Math.max(intervalMs, claimableAt - horizonMs - now));
    } catch (error) {
      if (!this.failing)
        this.deps.logger.error("recovery sweep failed; retrying at the next sweep", { error });
      this.failing = true;
      return intervalMs;
    } finally {
      this.sweeping = false;
    }
  }

  private arm(next: number): void {
    const now = this.deps.clock.now();
    const wanted = this.wanted === undefined ? next : Math.max(0, this.wanted - now);
    const delayMs = Math.min(next, wanted);
    if (this.stopped || !Number.isFinite(delayMs)) return;
    const at = now + delayMs;
    const handle = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.sweep().then((next) => {
        if (!this.stopped && this.timer === undefined) this.arm(next);
      });
    }, delayMs);
    this.timer = { handle, at };
  }
}
