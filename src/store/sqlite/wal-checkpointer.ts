/**
 * When the SQLite store's WAL is checkpointed. SQLite's automatic checkpoint (every 1,000 WAL pages) runs
 * inside the COMMIT that crosses the mark, on the thread that commits: with the store's connection on the
 * event loop, one COMMIT in every ~150 small ones took 15–30 ms instead of 0.02 ms on a 1M-row file
 * (`bench/commit-times.ts`), the p99 of resume-by-event. The store turns it off (`wal_autocheckpoint = 0`)
 * and tells this class of every COMMIT; every `commitsPerCheckpoint` COMMITs, or as soon as the WAL file
 * grew `growthBytes` since the last checkpoint started (big writes: a 5,000-event send is one COMMIT of
 * thousands of pages), it asks a `CheckpointRunner` (a worker thread: `checkpoint-worker.ts`) for a
 * `PASSIVE` checkpoint, the mode SQLite's automatic one uses: it copies what it can without waiting for
 * the writer or readers, so it never blocks a COMMIT. COMMITs made while one runs count toward the next.
 * When back-to-back big writes keep the WAL ahead of the worker past `capBytes`, the writer's connection
 * copies the rest itself (`catchUp`), as SQLite's automatic checkpoint would have, but only then. Once all of the WAL is copied, the store's next write
 * starts it over from the beginning (SQLite does this itself), so the WAL stays bounded as before; the
 * store's `journal_size_limit` truncates a file that a big write made larger.
 *
 * A failed checkpoint is reported once (`onError`) until one succeeds again; the store keeps working and
 * the next COMMITs ask again. Durability does not change: a checkpoint copies only committed frames and
 * fsyncs the database file itself before the WAL is reused. Source: https://www.sqlite.org/wal.html#ckpt
 *
 * @module
 */
import type { CheckpointRunner } from "./checkpoint-worker.js";

/** Counters of `WalCheckpointer`. */
export interface WalCheckpointStats {
  /** Checkpoints that completed (every frame in the WAL copied). */
  checkpoints: number;
  /** Checkpoints that returned before copying every frame (a reader or the writer was in the way). */
  partial: number;
  /** Checkpoints that failed (each reported error included). */
  failures: number;
  /** Checkpoints on the writer's connection because the WAL outgrew `capBytes` (`catchUp`). */
  catchUps: number;
}

/** Options of `WalCheckpointer`. */
export interface WalCheckpointerOptions {
  /** COMMITs between two checkpoints, a positive integer (the store checks it). */
  commitsPerCheckpoint: number;
  /** The WAL file's size in bytes now (it grows only when the writer goes past its longest length). */
  walBytes: () => number;
  /** Growth of the WAL file, in bytes, that starts a checkpoint whatever the COMMIT count. */
  growthBytes: number;
  /**
   * Size of the WAL file, in bytes, above which a finished checkpoint is followed by `catchUp`: under
   * back-to-back big writes the worker's checkpoint always ends behind the writer, so the WAL never
   * starts over and keeps growing.
   */
  capBytes: number;
  /**
   * Checkpoints on the writer's own connection, between its transactions (it copies only what the
   * worker has not: the COMMITs made while it ran), so the next write starts the WAL over.
   */
  catchUp: () => void;
  /** Called with the first error of a run of failed checkpoints. */
  onError: (error: unknown) => void;
}

/** Asks `runner` for a checkpoint every `commitsPerCheckpoint` COMMITs, one at a time. */
export class WalCheckpointer {
  readonly #runner: CheckpointRunner;
  readonly #every: number;
  readonly #onError: (error: unknown) => void;
  readonly #walBytes: () => number;
  readonly #growthBytes: number;
  readonly #capBytes: number;
  readonly #catchUp: () => void;
  #commits = 0;
  /** The WAL file's size when the last checkpoint started. */
  #startedAtBytes = 0;
  #running: Promise<void> | undefined;
  #failing = false;
  #closed = false;
  readonly #stats: WalCheckpointStats = { checkpoints: 0, partial: 0, failures: 0, catchUps: 0 };

  constructor(runner: CheckpointRunner, options: WalCheckpointerOptions) {
    this.#runner = runner;
    this.#every = options.commitsPerCheckpoint;
    this.#walBytes = options.walBytes;
    this.#growthBytes = options.growthBytes;
    this.#capBytes = options.capBytes;
    this.#catchUp = options.catchUp;
    this.#onError = options.onError;
  }

  /** Counts a COMMIT of the store's connection; starts a checkpoint when one is due and none runs. */
  committed(): void {
    this.#commits += 1;
    if (!this.#running && !this.#closed && this.#due()) this.#start();
  }

  /** Checkpoints done so far. */
  stats(): WalCheckpointStats {
    return { ...this.#stats };
  }

  /** Resolves once no checkpoint runs (those that the COMMITs counted meanwhile started included). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /**
   * Waits for the running checkpoint, then stops the runner; later COMMITs start none. The store closes
   * its connection after this: SQLite checkpoints what is left when the last connection closes.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.idle();
    await this.#runner.close();
  }

  #failed(error: unknown): void {
    this.#stats.failures += 1;
    if (!this.#failing) this.#onError(error);
    this.#failing = true;
  }

  #due(): boolean {
    return this.#commits >= this.#every || this.#walBytes() - this.#startedAtBytes >= this.#growthBytes;
  }

  #start(): void {
    this.#commits = 0;
    this.#startedAtBytes = this.#walBytes();
    this.#running = this.#runner
      .checkpoint()
      .then(
        (result) => {
          this.#failing = false;
          if (result.busy || result.checkpointedPages < result.walPages) this.#stats.partial += 1;
          else this.#stats.checkpoints += 1;
          if (this.#closed || this.#walBytes() <= this.#capBytes) return;
          this.#stats.catchUps += 1;
          this.#catchUp();
        },
        (error: unknown) => this.#failed(error),
      )
      .catch((error: unknown) => this.#failed(error)); // the catch-up threw
    void this.#running.then(() => {
      this.#running = undefined;
      if (!this.#closed && this.#commits > 0 && this.#due()) this.#start();
    });
  }
}
