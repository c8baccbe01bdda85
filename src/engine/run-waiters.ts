/**
 * `fairway.waitForRun`: resolves with a run's output when it ends (from the store once the run's terminal
 * notification arrives), or rejects with its error.
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
import type { Clock } from "./clock.js";
import type { RunEventHub } from "./run-events.js";
import { deserialize } from "./serializer.js";

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class RunWaiters {
  private readonly waiting = new Map<string, Set<Waiter>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    hub: RunEventHub,
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
    });
  }

  /** Stops listening; waits still pending reject with a ConfigError (the engine closed first). */
  close(): void {
    this.unsubscribe();
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
    this.waiting.delete(runId);
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
