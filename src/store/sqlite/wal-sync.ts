/**
 * Makes the SQLite store's COMMITs durable without blocking the event loop: an `fsync` of the WAL file on
 * libuv's thread pool, one at a time, each covering every COMMIT made before it started (a second level of
 * group commit). SQLite itself then runs with `synchronous = NORMAL` (it writes the WAL at COMMIT but does
 * not sync it); once this fsync returns, the transaction is on disk exactly as with `synchronous = FULL`,
 * which syncs the same file at the same point (SQLite still syncs the WAL header on a WAL restart and both
 * files around a checkpoint). Source: https://www.sqlite.org/wal.html, https://www.sqlite.org/pragma.html#pragma_synchronous
 *
 * @module
 */
import { closeSync, fsync, openSync } from "node:fs";
import { StoreError } from "../../errors/index.js";

/** Calls `done` once every COMMIT made before the call is durable, or with the error that prevented it. */
export type DurableSync = (done: (error: Error | null) => void) => void;

/** The fsync of one database's WAL file, off the event loop; `sync` is what `GroupCommit` awaits. */
export class WalSync {
  readonly #file: string;
  #fd: number | undefined;
  /** COMMITs made since the running fsync started: they need the next one. */
  #waiting: Array<(error: Error | null) => void> = [];
  #running = false;
  #idle: Array<() => void> = [];
  #fsyncs = 0;

  /** `file` is the database file; its WAL is `<file>-wal`. */
  constructor(file: string) {
    this.#file = `${file}-wal`;
  }

  /** A `DurableSync` over this file. */
  readonly sync: DurableSync = (done) => {
    this.#waiting.push(done);
    if (!this.#running) this.#start();
  };

  /** fsyncs started so far (each covers every COMMIT made before it started). */
  get fsyncs(): number {
    return this.#fsyncs;
  }

  /** Resolves once no fsync is running or waiting. */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Closes the file descriptor (after `idle`). */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #start(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    this.#running = true;
    const finish = (error: Error | null) => {
      this.#running = false;
      const failure =
        error &&
        new StoreError(`fsync of ${this.#file} failed: committed writes may not survive a power loss`, {
          cause: error,
          retryable: false,
        });
      for (const done of batch) done(failure);
      if (this.#waiting.length > 0) this.#start();
      else for (const resolve of this.#idle.splice(0)) resolve();
    };
    try {
      this.#fd ??= openSync(this.#file, "r+");
    } catch (error) {
      finish(error as Error);
      return;
    }
    this.#fsyncs += 1;
    fsync(this.#fd, finish);
  }
}
