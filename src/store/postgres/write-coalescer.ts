/**
 * Group commit for the PostgreSQL store's hot single-row writes (`saveStep`'s checkpoints, `claimRun`): the writes
 * that arrive in the same event-loop turn go to the database as ONE statement (one round trip, one
 * transaction, one WAL flush) instead of one each. `synchronous_commit` is left as the server sets it (on
 * by default): a caller's promise settles only after the statement that carried its write returned, which
 * is after its COMMIT is durable, so no caller continues before its own write is on disk.
 *
 * Rules, each kept exact:
 * - **Own outcome.** The batch statement returns what it wrote, by key; each caller gets its own result (a
 *   checkpoint whose lease fence failed, or a claim of a run that was not claimable, gets none).
 * - **Order per key.** Two writes of the same key (one step row) never share a statement: the later one goes
 *   to the next round, sent after the earlier round committed, so the later write wins as it would unbatched.
 * - **A failing write fails only its caller.** A statement refused for good (any error but a retryable
 *   StoreError) wrote nothing (a statement is atomic), so each of its items is written again on its own and only the
 *   one the database refuses fails.
 * - **Transient failures.** The database layer retries the batch statement with backoff when that is safe,
 *   as it would retry one item's statement: always for an idempotent statement (the fenced upsert of the same
 *   checkpoints writes the same rows, so a batch that may have committed before its connection dropped is
 *   never applied twice with a different effect), and for any statement the server rolled back or never
 *   received. A claim batch whose connection dropped after it was sent has an unknown outcome and is not
 *   retried. A transient failure that outlasts the retries fails every caller of the batch with that
 *   retryable StoreError: none of them was told its write is stored.
 * - **Bounded.** At most `maxInFlight` statements are in flight (each holds a pool connection); writes that
 *   arrive meanwhile wait and leave together in the next statement (up to `maxBatch` items each), which is
 *   what makes batches grow with load.
 *
 * @module
 */
import { StoreError } from "../../errors/index.js";

/** How a flush is deferred to the end of the turn; tests pass a function they call themselves. */
export type ScheduleFlush = (flush: () => void) => void;

/** Options of `WriteCoalescer`. */
export interface WriteCoalescerOptions<Item, Result> {
  /** The key that orders writes: two items with the same key never share a statement. */
  key: (item: Item) => string;
  /**
   * Writes `items` (distinct keys) in one statement and returns the result of each item it wrote, by key
   * (an item the statement skipped has none); rejects with the error of the statement (nothing written).
   */
  write: (items: Item[]) => Promise<Map<string, Result>>;
  /** Statements in flight at once. Default 2. */
  maxInFlight?: number;
  /** Items per statement at most. Default 512. */
  maxBatch?: number;
  /** When a queued write is flushed. Default `setImmediate` (the end of this event-loop turn). */
  schedule?: ScheduleFlush;
}

/** Counters of a `WriteCoalescer`: statements sent and the items they carried (their ratio is the batch size). */
export interface WriteCoalescerStats {
  statements: number;
  items: number;
}

interface Pending<Item, Result> {
  item: Item;
  key: string;
  resolve: (result: Result | undefined) => void;
  reject: (error: unknown) => void;
}

const nextTurn: ScheduleFlush = (flush) => {
  setImmediate(flush);
};

/** Coalesces single-item writes into one statement per event-loop turn (see the module doc). */
export class WriteCoalescer<Item, Result> {
  readonly #key: (item: Item) => string;
  readonly #write: (items: Item[]) => Promise<Map<string, Result>>;
  readonly #maxInFlight: number;
  readonly #maxBatch: number;
  readonly #schedule: ScheduleFlush;
  #queue: Array<Pending<Item, Result>> = [];
  #scheduled = false;
  #inFlight = 0;
  /** Keys whose write is in a statement in flight: a later write of the key waits for it. */
  readonly #busy = new Set<string>();
  readonly #idle: Array<() => void> = [];
  readonly #stats: WriteCoalescerStats = { statements: 0, items: 0 };

  constructor(options: WriteCoalescerOptions<Item, Result>) {
    this.#key = options.key;
    this.#write = options.write;
    this.#maxInFlight = options.maxInFlight ?? 2;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#schedule = options.schedule ?? nextTurn;
  }

  /**
   * Queues `item`; resolves with its result if it was written, `undefined` if the statement skipped it (its
   * condition, e.g. a lease fence, did not hold), after the statement that carried it committed. Rejects
   * with the error that kept it from being written.
   */
  write(item: Item): Promise<Result | undefined> {
    return new Promise<Result | undefined>((resolve, reject) => {
      this.#queue.push({ item, key: this.#key(item), resolve, reject });
      this.#request();
    });
  }

  /** Resolves once nothing is queued or in flight (the store awaits it before closing its pool). */
  drain(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  /** Statements sent and items carried so far. */
  stats(): WriteCoalescerStats {
    return { ...this.#stats };
  }

  /** Sends queued writes now: as many statements as the in-flight bound allows. */
  flush(): void {
    this.#scheduled = false;
    while (this.#inFlight < this.#maxInFlight) {
      const batch = this.#take();
      if (batch.length === 0) break;
      this.#inFlight++;
      void this.#send(batch).finally(() => {
        this.#inFlight--;
        for (const pending of batch) this.#busy.delete(pending.key);
        if (this.#queue.length > 0) this.#request();
        else if (this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
      });
    }
  }

  /** Schedules a flush unless one is scheduled. */
  #request(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => this.flush());
  }

  /** Removes the next statement's writes from the queue: the oldest of each key not in flight, in order. */
  #take(): Array<Pending<Item, Result>> {
    const batch: Array<Pending<Item, Result>> = [];
    const rest: Array<Pending<Item, Result>> = [];
    for (const pending of this.#queue) {
      if (batch.length < this.#maxBatch && !this.#busy.has(pending.key)) {
        this.#busy.add(pending.key);
        batch.push(pending);
      } else rest.push(pending);
    }
    this.#queue = rest;
    return batch;
  }

  /** Writes `batch` in one statement; after a permanent refusal, each item on its own. */
  async #send(batch: Array<Pending<Item, Result>>): Promise<void> {
    try {
      const written = await this.#write(batch.map((pending) => pending.item));
      this.#stats.statements += 1;
      this.#stats.items += batch.length;
      for (const pending of batch) pending.resolve(written.get(pending.key));
    } catch (error) {
      // A retryable StoreError outlasted the database layer's retries; anything else wrote nothing.
      const transient = error instanceof StoreError && error.retryable;
      if (transient || batch.length === 1) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      await Promise.all(batch.map((pending) => this.#send([pending])));
    }
  }
}
