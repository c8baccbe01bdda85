/**
 * Wake-up notices from other processes writing the store (`Store.subscribe`, LISTEN/NOTIFY on PostgreSQL),
 * turned into the reads the engine would otherwise make at its next sweep:
 *
 * - backlogged runs stored in named backlogs: those backlogs page from their first run
 *   (`BacklogWindows.touch`, one index range read each); in unnamed ones: the backlogs' counts are read
 *   (`Store.listBacklogs`, one read in flight at a time, one more queued behind it at most) and compared
 *   (`BacklogWindows.discover`);
 * - a wake-up claimable at `at`: the sweep is brought forward to read it in time (`RecoverySweep.wakeBy`);
 *   a wake-up due now brings it to now, but not more often than once per `gapMs`, so a busy cluster's stream
 *   of resolved waits does not turn into back-to-back sweeps.
 *
 * A hint only: the claim decides who runs a run, the sweep still finds everything.
 *
 * @module
 */
import type { StoredBacklog, StoreWork } from "../store/store.js";
import type { Clock } from "./clock.js";
import type { Logger } from "./types.js";

export interface StoreWakeupsDeps {
  clock: Clock;
  logger: Logger;
  /** The stored backlogs (`Store.listBacklogs`). */
  listBacklogs: () => Promise<StoredBacklog[]>;
  /** `BacklogWindows.discover` and `touch`. */
  discover: (backlogs: StoredBacklog[]) => void;
  touch: (backlogKeys: string[]) => void;
  /** `RecoverySweep.wakeBy`: a sweep reads wake-ups claimable at `at` in time. */
  wakeBy: (at: number) => void;
  /** The sweep's horizon, ms: it reads wake-ups up to this far ahead. */
  horizonMs: number;
  /** Least time between two sweeps brought to now by notices, ms. */
  gapMs: number;
}

export class StoreWakeups {
  #reading = false;
  #again = false;
  /** The engine-clock time before which a notice of a wake-up due now waits for the sweep then. */
  #nextSweep = Number.NEGATIVE_INFINITY;
  #stopped = false;

  constructor(private readonly deps: StoreWakeupsDeps) {}

  /** A notice arrived. */
  onWork(work: StoreWork): void {
    if (this.#stopped) return;
    if (work.kind === "due") this.#due(work.at);
    else if (work.backlogKeys) this.deps.touch(work.backlogKeys);
    else this.#discover();
  }

  stop(): void {
    this.#stopped = true;
  }

  #due(at: number): void {
    const now = this.deps.clock.now();
    let sweepAt = Math.max(now, at - this.deps.horizonMs);
    if (sweepAt <= now) {
      if (now < this.#nextSweep) sweepAt = this.#nextSweep;
      else this.#nextSweep = now + this.deps.gapMs;
    }
    this.deps.wakeBy(sweepAt + this.deps.horizonMs);
  }

  #discover(): void {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    this.deps
      .listBacklogs()
      .then((backlogs) => {
        if (!this.#stopped) this.deps.discover(backlogs);
      })
      .catch((error: unknown) => {
        this.deps.logger.warn("could not read the backlogs a notice announced; the next sweep will", {
          error,
        });
      })
      .finally(() => {
        this.#reading = false;
        if (this.#again && !this.#stopped) {
          this.#again = false;
          this.#discover();
        }
      });
  }
}
