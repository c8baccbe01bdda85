/**
 * Retention (Store contract, type-only, plus the one rule every store shares): what `Store.sweepRetention`
 * deletes. The tables that grow with use — events, event-id dedup keys, rate-limit/idempotency admissions and, on
 * a store several processes share, throttle times, singleton holders and concurrency slot rows —
 * lose the rows that no decision and no reader can need any more, so that deleting them never changes
 * what the engine decides or reads:
 *
 * - an **event** once it is older than the history kept (`eventsBefore`) and nothing can read it: a run
 *   that has not ended may still wait for any event after its own (`RunRecord.eventSeq`, the trigger
 *   included), so events from the oldest such run's on are kept; an event a pending debounce or open
 *   batch holds (`FlowPending.eventIds`) is kept until its run is created. A run carries its trigger
 *   events itself (`RunRecord.events`), so an ended run needs none;
 * - an **event-id dedup key** once expired (a key whose `expiresAt` has passed is the same as none);
 * - a **throttle's GCRA time** (TAT) once in the past (the same as an idle key: `gcraAfterStart`);
 * - a **singleton holder** whose run has ended (an ended holder holds nothing);
 * - a **rate-limit or idempotency admission** older than the longest window (`MAX_ADMISSION_WINDOW_MS`);
 * - a **concurrency slot row** whose run has ended (it counts only while its run holds a live lease).
 *
 * "Once expired" means at or before `expiredBefore`, which the engine sets a margin before its `now`, so a
 * worker whose clock is a little behind never finds a row gone that it would still count.
 *
 * @module
 */

/** What one `Store.sweepRetention` pass may delete. Times in ms on the engine's clock. */
export interface RetentionInput {
  /**
   * Events received (`receivedAt`) before this time are deleted once nothing can read them (see the
   * module comment): `now − retention.eventsMs`.
   */
  eventsBefore: number;
  /**
   * Rows that stopped counting at or before this time are deleted: dedup keys with `expiresAt` ≤ it,
   * throttle times ≤ it, admissions at or before it minus the longest window: `now − RETENTION_MARGIN_MS`.
   */
  expiredBefore: number;
  /** Most rows one statement (one short transaction) deletes, integer ≥ 1. */
  batchSize: number;
  /** Stops the pass between two batches once aborted (the client is closing). */
  signal?: AbortSignal;
}

/** Rows one `Store.sweepRetention` pass deleted, per kind (0 for what a store does not keep). */
export interface RetentionResult {
  events: number;
  dedup: number;
  throttles: number;
  singletonHolders: number;
  admissions: number;
  slots: number;
  /** Turns of backlogs that neither wait nor were served within `TURN_MEMORY_MS` (PostgreSQL `scope_turns`). */
  turns: number;
}

/** A result with nothing deleted, to add to. */
export function noneDeleted(): RetentionResult {
  return { events: 0, dedup: 0, throttles: 0, singletonHolders: 0, admissions: 0, slots: 0, turns: 0 };
}

/**
 * Deletes batches with `deleteBatch` (returns the rows it deleted, at most `batchSize`) until one deletes
 * fewer than `batchSize` or `signal` is aborted; returns the total. Each batch is awaited, so other work
 * (writes of the same store) runs between batches.
 */
export async function deleteInBatches(
  input: Pick<RetentionInput, "batchSize" | "signal">,
  deleteBatch: () => Promise<number> | number,
): Promise<number> {
  let total = 0;
  while (!input.signal?.aborted) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < input.batchSize) break;
  }
  return total;
}
