/**
 * A `worker_threads` worker with its own connection to a SQLite file, running `PRAGMA wal_checkpoint` when
 * asked: the copy of WAL pages into the database file (and its fsync) happens on another thread, never on
 * the event loop that writes the store. better-sqlite3 is synchronous but works in workers; the worker's
 * code is evaluated from a string (`eval: true`), so the same module works from source (tests, `tsx`) and
 * from `dist/`, and `require`s the driver by the path the main thread resolved.
 * Source: https://www.sqlite.org/c3ref/wal_checkpoint_v2.html, https://github.com/WiseLibs/better-sqlite3/blob/master/docs/threads.md
 *
 * @module
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { StoreError } from "../../errors/index.js";

/** What one `PRAGMA wal_checkpoint` reported, in pages (WAL frames). */
export interface CheckpointResult {
  /** SQLite reported the checkpoint as blocked (its `busy` column). */
  busy: boolean;
  /** Frames in the WAL when it ran. */
  walPages: number;
  /** Frames of it now copied into the database file (`walPages` when nothing was in the way). */
  checkpointedPages: number;
}

/** Runs checkpoints of one database file somewhere; `WalCheckpointer` decides when. */
export interface CheckpointRunner {
  /**
   * Runs a `PASSIVE` checkpoint (SQLite's automatic mode: copies what it can without waiting for the
   * writer or readers, so it never blocks the store's COMMITs). Resolves with SQLite's report, or rejects
   * with the checkpoint's error. One call at a time.
   */
  checkpoint(): Promise<CheckpointResult>;
  /** Stops the runner (its connection closed, its thread ended); resolves once it has. */
  close(): Promise<void>;
}

/** The worker's code (CommonJS, plain JS): one connection, a checkpoint per message, `close` ends it. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
let db;
parentPort.on("message", (message) => {
  if (message.type === "close") {
    try { db?.close(); } finally { parentPort.close(); }
    return;
  }
  try {
    if (!db) {
      db = new Database(workerData.file, { fileMustExist: true });
      db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
    }
    const [row] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ row });
  } catch (error) {
    parentPort.postMessage({ error: { message: String(error?.message ?? error), code: error?.code } });
  }
});
`;

interface Reply {
  row?: { busy: number; log: number; checkpointed: number };
  error?: { message: string; code?: string };
}

/**
 * A `CheckpointRunner` on a worker thread for the database at `file` (WAL mode). The worker starts at the
 * first checkpoint and again after it died (an uncaught error ends it; the next call starts a new one).
 * `busyTimeoutMs` is the worker connection's busy timeout (opening the file may wait for a lock).
 * A failed checkpoint rejects with a retryable `StoreError` naming the file and SQLite's message.
 */
export function workerCheckpointRunner(file: string, busyTimeoutMs = 5000): CheckpointRunner {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  let worker: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  let pending: { resolve: (reply: Reply) => void } | undefined;
  const failure = (message: string, cause?: unknown) =>
    new StoreError(`WAL checkpoint of ${file} failed: ${message}`, { cause, retryable: true });

  const start = (): Worker => {
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, busyTimeoutMs } });
    started.unref(); // an idle worker does not keep the process alive; a checkpoint or close in flight does
    const answer = (reply: Reply) => {
      const waiting = pending;
      pending = undefined;
      started.unref();
      waiting?.resolve(reply);
    };
    started.on("message", answer);
    started.on("error", (error) =>
      answer({ error: { message: `the checkpoint worker died: ${error.message}` } }),
    );
    exited = new Promise((resolve) =>
      started.once("exit", () => {
        if (worker === started) worker = undefined;
        resolve();
      }),
    );
    return started;
  };

  return {
    async checkpoint() {
      if (pending) throw failure("a checkpoint is already running");
      worker ??= start();
      const reply = await new Promise<Reply>((resolve) => {
        pending = { resolve };
        worker?.ref();
        worker?.postMessage({ type: "checkpoint" });
      });
      if (reply.error) throw failure(reply.error.message, reply.error);
      const row = reply.row ?? { busy: 1, log: -1, checkpointed: -1 };
      return { busy: row.busy !== 0, walPages: row.log, checkpointedPages: row.checkpointed };
    },
    async close() {
      const running = worker;
      worker = undefined;
      running?.ref();
      running?.postMessage({ type: "close" });
      await exited;
    },
  };
}
