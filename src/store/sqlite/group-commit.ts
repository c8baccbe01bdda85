/**
 * Group commit for the SQLite store: the writes that arrive in the same event-loop turn share one
 * transaction, so N concurrent checkpoints, claims, finishes or accepted events cost one COMMIT (one fsync
 * with `synchronous = FULL`) instead of N. Each write runs in its own savepoint, and its caller's promise
 * settles only after the COMMIT returned and, with a `sync` (the WAL fsync of `synchronous: "full"`), after
 * that COMMIT is on disk: no caller continues (answers a request, starts the next step) before its own
 * write is durable. The fsync runs off the event loop; the writes that arrive meanwhile are held until it
 * returns, then share one COMMIT (and the next fsync).
 *
 * A write that throws rolls back its savepoint only: its caller gets the error, the others commit. A write of
 * one statement (`WriteOptions.oneStatement`) needs no savepoint: SQLite undoes a failed statement by itself,
 * and the two statements of a savepoint cost as much as the write. If SQLite
 * rolls back the whole transaction itself (an I/O error, a full disk), the writes made before it in that
 * transaction are undone too and their callers get a `StoreError` naming the cause; the writes after it
 * start a new transaction. A failed COMMIT fails every write it carried. Nothing a caller was told is
 * stored is ever lost: callers learn the outcome only once it is final.
 *
 * A big write (`runSliced`: a 5,000-event send) is one transaction of its own, written a slice per
 * event-loop turn so the process keeps serving meanwhile; the writes queued behind it wait for its COMMIT.
 * Reads on the same connection during those turns see its rows before they are committed.
 *
 * @module
 */
import type Database from "better-sqlite3";
import { StoreError } from "../../errors/index.js";
import type { DurableSync } from "./wal-sync.js";

/** How a batch is deferred to the end of the turn; tests pass a function they call themselves. */
export type ScheduleFlush = (flush: () => void) => void;

/** Options of one write queued with `GroupCommit.run` or `runUnsynced`. */
export interface WriteOptions {
  /**
   * The work changes the database with one statement at most, and throws only from that statement (reads
   * before it are fine, nothing after it may throw): it runs without a savepoint of its own, since SQLite
   * undoes a statement that fails (or the whole transaction, which group commit handles as for any write).
   *
   * @default false
   */
  oneStatement?: boolean;
}

/** Counters of `GroupCommit`: COMMITs made and the writes they carried (their ratio is the batch size). */
export interface GroupCommitStats {
  /** Transactions committed. */
  transactions: number;
  /** Writes committed (each caller's write counts once; failed writes are not counted). */
  writes: number;
}

interface Write {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Set for a `runSliced` write: `work` is unused, the slices run one per turn. */
  slices?: Array<() => unknown>;
  /** A read (`read`) or a write that needs no fsync of its own (`runUnsynced`). */
  unsynced?: boolean;
  /** `WriteOptions.oneStatement`: no savepoint around `work`. */
  oneStatement?: boolean;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Defers the flush to the check phase of this event-loop turn, after the I/O callbacks that queued writes. */
const nextTurn: ScheduleFlush = (flush) => {
  setImmediate(flush);
};

/** The group commit of one SQLite connection: every write of the store goes through `run` or `runSliced`. */
export class GroupCommit {
  readonly #db: Database.Database;
  readonly #schedule: ScheduleFlush;
  readonly #sync: DurableSync | undefined;
  readonly #onCommit: (() => void) | undefined;
  #queue: Write[] = [];
  #scheduled = false;
  /** Fsyncs (`sync`) started by `flush` that have not returned yet. */
  #syncing = 0;
  /** Writes are queued and wait for the fsync in flight to return before they are written (`#enqueue`). */
  #held = false;
  /** The `runSliced` write in progress: other writes wait for it. */
  #sliced: Promise<void> | undefined;
  #statements: ReturnType<typeof statements> | undefined;
  readonly #stats: GroupCommitStats = { transactions: 0, writes: 0 };

  /**
   * `schedule` decides when a batch is written (default: `setImmediate`, the end of this event-loop turn);
   * `sync`, when given, is awaited after each COMMIT before its callers resume (default: none, the COMMIT
   * itself is as durable as the connection's `synchronous` setting makes it); `onCommit` is called after
   * each COMMIT that succeeded (the store counts them for its WAL checkpoints).
   */
  constructor(
    db: Database.Database,
    options: { schedule?: ScheduleFlush; sync?: DurableSync; onCommit?: () => void } = {},
  ) {
    this.#db = db;
    this.#schedule = options.schedule ?? nextTurn;
    this.#sync = options.sync;
    this.#onCommit = options.onCommit;
  }

  /**
   * Queues `work` (synchronous statements on the store's connection) for the current batch. Resolves with
   * its return value after the batch's COMMIT; rejects with what it threw (nothing of it written), or with
   * the error that made the batch's transaction fail.
   */
  run<T>(work: () => T, options?: WriteOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#enqueue({
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
        oneStatement: options?.oneStatement === true,
      });
    });
  }

  /**
   * Queues a read that must see every write queued before it (a sweep, a backlog refill): it runs in the same
   * batch, after them. A batch of reads only resumes its callers without the fsync (nothing of theirs needs
   * to reach the disk); in a batch with writes, they resume with the writes, after the fsync.
   */
  read<T>(work: () => T): Promise<T> {
    return this.runUnsynced(work);
  }

  /**
   * Queues a write that needs no fsync of its own, answered like a read: after its COMMIT, and after the
   * fsync only if its batch carried writes that need one (so its caller never sees a write of its batch that
   * a power loss could undo). For a write whose loss in a power loss is the same as never having made it,
   * and which the next durable write on this connection covers: a lease (`claimRun`) — the execution it
   * starts writes nothing durable (a step's `running` row, a checkpoint, an end) without a later COMMIT,
   * whose fsync syncs the claim with it.
   */
  runUnsynced<T>(work: () => T, options?: WriteOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#enqueue({
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
        unsynced: true,
        oneStatement: options?.oneStatement === true,
      });
    });
  }

  /**
   * Queues a big write: `slices` run in order in one transaction of their own, one per event-loop turn, after
   * the writes queued before it. Resolves with each slice's value after the COMMIT; if a slice throws,
   * nothing of any slice is written and the promise rejects with that error.
   */
  runSliced<T>(slices: Array<() => T>): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      this.#enqueue({ work: () => undefined, slices, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /**
   * Queues `write` and schedules a flush unless one is scheduled (or a sliced write will schedule it). With a
   * `sync`, a write that arrives while an fsync is in flight is held until it returns: its caller could not
   * resume before the fsync after that one anyway, which starts only then, so writing it now would not
   * answer it sooner; held, everything that arrives meanwhile shares one COMMIT (one WAL append of each page
   * it touched, one flush) instead of one per event-loop turn. A read or an unsynced write (a claim) is
   * not held unless writes are queued ahead of it: it needs no fsync, so holding it would only delay it.
   */
  #enqueue(write: Write): void {
    this.#queue.push(write);
    if (this.#scheduled || this.#held) return;
    if (this.#syncing > 0 && !write.unsynced) {
      this.#held = true;
      return;
    }
    this.#scheduled = true;
    this.#schedule(() => this.flush());
  }

  /** After an fsync returned: schedules the held writes once no fsync is in flight. */
  #release(): void {
    if (!this.#held || this.#syncing > 0) return;
    this.#held = false;
    this.#scheduled = true;
    this.#schedule(() => this.flush());
  }

  /** Writes the queued batch now, up to the next sliced write, which it starts. */
  flush(): void {
    if (this.#sliced) return; // it schedules the next flush when it is done
    this.#scheduled = false;
    this.#held = false;
    const next = this.#queue.findIndex((write) => write.slices !== undefined);
    const batch = next < 0 ? this.#queue : this.#queue.slice(0, next);
    const sliced = next < 0 ? undefined : this.#queue[next];
    this.#queue = next < 0 ? [] : this.#queue.slice(next + 1);
    const outcomes = batch.length > 0 ? this.#write(batch) : [];
    const settle = (error: Error | null) => {
      batch.forEach((write, index) => {
        const outcome = outcomes[index] as Outcome;
        if (outcome.ok && !error) write.resolve(outcome.value);
        else write.reject(outcome.ok ? error : outcome.error);
      });
    };
    if (this.#sync && outcomes.some((outcome, index) => outcome.ok && !batch[index]?.unsynced)) {
      this.#syncing += 1;
      this.#sync((error) => {
        this.#syncing -= 1;
        settle(error);
        this.#release();
      });
    } else settle(null);
    if (sliced) this.#startSliced(sliced);
  }

  /** Resolves once every queued write is written (the store awaits it before closing the connection). */
  async drain(): Promise<void> {
    while (this.#sliced || this.#queue.length > 0) {
      if (this.#sliced) await this.#sliced;
      else this.flush();
    }
  }

  /** COMMITs and writes committed so far. */
  stats(): GroupCommitStats {
    return { ...this.#stats };
  }

  /** Runs a sliced write (its first slice at once); the writes queued after it wait until it is done. */
  #startSliced(write: Write): void {
    this.#sliced = this.#writeSliced(write).finally(() => {
      this.#sliced = undefined;
      this.#scheduled = this.#queue.length > 0;
      if (this.#scheduled) this.#schedule(() => this.flush());
    });
  }

  async #writeSliced(write: Write): Promise<void> {
    const db = this.#db;
    const values: unknown[] = [];
    try {
      this.#statements ??= statements(db);
      const sql = this.#statements;
      sql.begin.run();
      for (const [index, slice] of (write.slices ?? []).entries()) {
        if (index > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        values.push(slice());
      }
      sql.commit.run();
      this.#stats.transactions += 1;
      this.#stats.writes += 1;
      this.#onCommit?.();
      const sync = this.#sync;
      if (sync)
        await new Promise<void>((resolve, reject) => sync((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      if (db.open && db.inTransaction) db.prepare("ROLLBACK").run();
      write.reject(error);
      return;
    }
    write.resolve(values);
  }

  /** Runs `batch` in one transaction (more if SQLite aborts one); the outcome of each write, in order. */
  #write(batch: Write[]): Outcome[] {
    const db = this.#db;
    const outcomes: Outcome[] = [];
    // Writes done in the open transaction, waiting for its COMMIT.
    let uncommitted: number[] = [];
    const undo = (error: unknown) => {
      const cause = new StoreError(
        "the write was rolled back with its transaction, which another write of the same group commit aborted",
        { cause: error, retryable: true },
      );
      for (const index of uncommitted) outcomes[index] = { ok: false, error: cause };
      uncommitted = [];
    };
    try {
      this.#statements ??= statements(db);
      const sql = this.#statements;
      batch.forEach((write, index) => {
        const savepoint = !write.oneStatement;
        try {
          if (!db.inTransaction) sql.begin.run();
          if (savepoint) sql.savepoint.run();
        } catch (error) {
          outcomes[index] = { ok: false, error };
          return;
        }
        try {
          const value = write.work();
          if (savepoint) sql.release.run();
          outcomes[index] = { ok: true, value };
          uncommitted.push(index);
        } catch (error) {
          outcomes[index] = { ok: false, error };
          if (!db.inTransaction) undo(error);
          else if (savepoint) {
            sql.rollbackTo.run();
            sql.release.run();
          }
        }
      });
      if (db.inTransaction) {
        sql.commit.run();
        this.#stats.transactions += 1;
        this.#stats.writes += uncommitted.length;
        this.#onCommit?.();
      }
    } catch (error) {
      // The COMMIT (or a rollback of one write) failed: nothing still uncommitted is written.
      if (db.open && db.inTransaction) db.prepare("ROLLBACK").run();
      for (const index of uncommitted) outcomes[index] = { ok: false, error };
      batch.forEach((_, index) => {
        outcomes[index] ??= { ok: false, error };
      });
    }
    return outcomes;
  }
}

/** The transaction statements, prepared once. */
function statements(db: Database.Database) {
  return {
    // IMMEDIATE takes the write lock up front: no upgrade from a read lock that could fail half-way.
    begin: db.prepare("BEGIN IMMEDIATE"),
    savepoint: db.prepare("SAVEPOINT fairway_write"),
    release: db.prepare("RELEASE fairway_write"),
    rollbackTo: db.prepare("ROLLBACK TO fairway_write"),
    commit: db.prepare("COMMIT"),
  };
}
