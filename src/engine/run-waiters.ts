/**
 * `fairway.waitForRun`: resolves with a run's output when it ends (from the store once the run's terminal
 * notification arrives), or rejects with its error. On a store other processes write (PostgreSQL), another
 * worker may end the run, and this process hears no event of it: each waited-for run is then read again,
 * every {@link FIRST_POLL_MS} doubling to `pollMs`, until it ends.
 *
 * @module
 */
import {
  ConfigError,
  NotFoundError,
  RunCancelledError,
  RunFailedError,
  TimeoutError,
  ValidationError,
} from "../errors/index.js";
import { TERMINAL_RUN_STATUSES as TERMINAL } from "../store/run-statuses.js";
import type { RunRecord, Store } from "../store/store.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { RunEventHub } from "./run-events.js";
import { deserialize } from "./serializer.js";

/** First re-read of a waited-for run on a store other processes write, ms (then doubling to `pollMs`). */
export const FIRST_POLL_MS = 100;

/** Longest pause between two reads of a waited-for run on a store other processes write, ms. */
export const SHARED_STORE_POLL_MS = 2000;

/** Options of `RunWaiters`. */
export interface RunWaitersOptions {
  /**
   * Longest pause between two reads of a waited-for run, ms, for a store other processes write (a run this
   * process waits for may end elsewhere). Omit it for a store only this process writes: its run events say
   * every end.
   */
  pollMs?: number;
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class RunWaiters {
  private readonly waiting = new Map<string, Set<Waiter>>();
  /** Per waited-for run, its next re-read (stores other processes write only). */
  private readonly polls = new Map<string, TimerHandle>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    hub: RunEventHub,
    private readonly options: RunWaitersOptions = {},
  ) {
    this.unsubscribe = hub.subscribe((event) => {
      if (!this.waiting.has(event.runId)) return;
      if (event.type === "run.completed" || event.type === "run.failed" || event.type === "run.cancelled") {
        void this.settle(event.runId);
      }
    });
  }

  /** See `Fairway.waitForRun`. */
  async wait(runId: string, timeoutMs?: number): Promise<unknown> {
    if (
      timeoutMs !== undefined &&
      (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < 0)
    ) {
      throw new ValidationError("waitForRun options", [
        { path: "timeoutMs", message: "must be a finite number of ms >= 0" },
      ]);
    }
    const run = await this.store.getRun(runId);
    if (!run) throw new NotFoundError("run", runId);
    if (TERMINAL.has(run.status)) return outcome(run);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      let set = this.waiting.get(runId);
      if (!set) {
        set = new Set();
        this.waiting.set(runId, set);
      }
      set.add(waiter);
      if (timeoutMs !== undefined) {
        const handle = this.clock.setTimeout(() => {
          set.delete(waiter);
          if (set.size === 0) this.stopWaiting(runId);
          reject(new TimeoutError(`waitForRun("${runId}")`, timeoutMs));
        }, timeoutMs);
        const done = (fn: (value: unknown) => void) => (value: unknown) => {
          this.clock.clearTimeout(handle);
          fn(value);
        };
        waiter.resolve = done(resolve);
        waiter.reject = done(reject);
      }
      // The run may have ended between the read above and registering.
      void this.settle(runId);
      this.poll(runId, FIRST_POLL_MS);
    });
  }

  /** Nobody waits for `runId` any more: forget it and its next re-read. */
  private stopWaiting(runId: string): void {
    this.waiting.delete(runId);
    const handle = this.polls.get(runId);
    if (handle !== undefined) this.clock.clearTimeout(handle);
    this.polls.delete(runId);
  }

  /** Reads `runId` again after `delayMs` while someone waits for it (a store other processes write). */
  private poll(runId: string, delayMs: number): void {
    const { pollMs } = this.options;
    if (pollMs === undefined || this.polls.has(runId)) return;
    const handle = this.clock.setTimeout(
      () => {
        this.polls.delete(runId);
        if (!this.waiting.has(runId)) return;
        void this.settle(runId)
          .catch(() => {}) // a store error: the next read tries again
          .then(() => {
            if (this.waiting.has(runId)) this.poll(runId, Math.min(pollMs, delayMs * 2));
          });
      },
      Math.min(pollMs, delayMs),
    );
    this.polls.set(runId, handle);
  }

  /** Stops listening; waits still pending reject with a ConfigError (the engine closed first). */
  close(): void {
    this.unsubscribe();
    for (const handle of this.polls.values()) this.clock.clearTimeout(handle);
    this.polls.clear();
    for (const [runId, set] of this.waiting) {
      for (const waiter of set)
        waiter.reject(new ConfigError("fairway", `was closed before run ${runId} ended`));
    }
    this.waiting.clear();
  }

  private async settle(runId: string): Promise<void> {
    const run = await this.store.getRun(runId);
    if (!run || !TERMINAL.has(run.status)) return;
    const set = this.waiting.get(runId);
    this.stopWaiting(runId);
    for (const waiter of set ?? []) {
      try {
        waiter.resolve(outcome(run));
      } catch (error) {
        waiter.reject(error);
      }
    }
  }
}

/** The run's output, or the error that `waitForRun` throws for it. */
function outcome(run: RunRecord): unknown {
  if (run.status === "completed")
    return run.outputText === undefined ? undefined : deserialize(run.outputText);
  if (run.status === "cancelled") throw new RunCancelledError(run.id, run.cancelReason);
  throw new RunFailedError(run.id, run.error ?? { name: "Error", message: `run ended as ${run.status}` });
}
