/**
 * The periodic recovery sweep: on the engine's clock, one page (`pageSize` runs) of `Store.listDueRuns` —
 * runs claimable now: due queued runs, sleeps and retries come due, waits resolved or timed out, leases
 * expired (a process that died or was cut off) — handed to `onDue`, which queues the ones this process does
 * not have in hand. Pages follow each other by cursor and wrap around when one comes back short, so however
 * large the backlog, each sweep costs one bounded index range read and every claimable run is seen within
 * `ceil(claimable / pageSize)` sweeps. No run waits for a restart.
 *
 * Pace: `intervalMs` after a sweep that queued something; after sweeps that found only runs already in hand
 * the pause doubles, up to `12 × intervalMs` (a busy process does not re-read its own queue every few
 * seconds). When no run is claimable at all, the next sweep is at the moment the
 * earliest run becomes claimable (a one-row read, `listDueRuns(now + SWEEP_IDLE_MS, 1)`), at least
 * `intervalMs` and at most `SWEEP_IDLE_MS` (1 h) away: an idle app reads nothing every few seconds, and a
 * fake clock moved by a year fires thousands of sweeps, not millions.
 *
 * @module
 */
import type { DueCursor, RunRecord, Store } from "../store/store.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { Logger } from "./types.js";

/** Longest pause between sweeps while no run is claimable, ms (runs another process creates later are found within it). */
export const SWEEP_IDLE_MS = 60 * 60 * 1000;

/** Longest pause between sweeps that find only runs already in hand, in `intervalMs`. */
const MAX_BACKOFF = 12;

export interface RecoverySweepDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Time between sweeps while runs are claimable, ms. */
  intervalMs: number;
  /** Runs read per sweep. */
  pageSize: number;
  /** Called with each page of claimable runs (may be empty); returns how many it queued (not in hand before). */
  onDue: (runs: RunRecord[], now: number) => number;
}

export class RecoverySweep {
  private timer: TimerHandle | undefined;
  private after: DueCursor | undefined;
  private started = false;
  private stopped = false;
  /** Whether the last sweep failed (a store error is logged once until a sweep succeeds again). */
  private failing = false;
  /** Sweeps in a row that queued nothing new. */
  private quiet = 0;

  constructor(private readonly deps: RecoverySweepDeps) {}

  /** Arms the first sweep `intervalMs` from now. Idempotent; nothing after `stop`. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.arm(this.deps.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * One sweep now: reads the next page and hands it to `onDue`. Returns the delay until the next sweep (ms).
   * Store errors are logged once (until a sweep succeeds again), not thrown.
   */
  async sweep(): Promise<number> {
    const { store, clock, pageSize, intervalMs } = this.deps;
    const now = clock.now();
    try {
      const runs = await store.listDueRuns(now, pageSize, this.after);
      const last = runs.at(-1);
      this.after =
        runs.length < pageSize || !last ? undefined : { readyAt: last.readyAt ?? now, id: last.id };
      this.failing = false;
      const queued = this.stopped ? 0 : this.deps.onDue(runs, now);
      this.quiet = queued > 0 ? 0 : this.quiet + 1;
      if (runs.length > 0) return intervalMs * Math.min(MAX_BACKOFF, 2 ** this.quiet);
      const [next] = await store.listDueRuns(now + SWEEP_IDLE_MS, 1);
      if (!next) return SWEEP_IDLE_MS;
      const claimableAt = Math.max(next.readyAt ?? now, next.leaseExpiresAt ?? now);
      return Math.min(SWEEP_IDLE_MS, Math.max(intervalMs, claimableAt - now));
    } catch (error) {
      if (!this.failing)
        this.deps.logger.error("recovery sweep failed; retrying at the next sweep", { error });
      this.failing = true;
      return intervalMs;
    }
  }

  private arm(delayMs: number): void {
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.sweep().then((next) => {
        if (!this.stopped) this.arm(next);
      });
    }, delayMs);
  }
}
