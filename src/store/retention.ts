/**
 * Retention (Store contract, type-only, plus the one rule every store shares): what `Store.sweepRetention`
 * deletes. The tables that grow with use — events, event-id dedup keys, rate-limit/idempotency admissions and, on
 * a store several processes share, throttle times, singleton holders and concurrency slot rows —
 * lose the rows that no decision and no reader can need any more, so that deleting them never changes
 * what the engine decides or reads; the history — ended runs with their steps, usage records — loses what
 * is older than the history kept (the run list, a run's timeline and usage totals no longer show it), and
 * never what a decision or a live run needs:
 *
 * - an **event** once it is older than the history kept (`eventsBefore`) and nothing can read it: a run
 *   that has not ended may still wait for any event after its own (`RunRecord.eventSeq`, the trigger
 *   included), so events from the oldest such run's on are kept; an event a pending debounce or open
 *   batch holds (`FlowPending.eventIds`) is kept until its run is created. A run carries its trigger
 *   events itself (`RunRecord.events`), so an ended run needs none;
 * - an **event-id dedup key** once expired (a key whose `expiresAt` has passed is the same as none);
 * - a **throttle's GCRA time** (TAT) once in the past (the same as an idle key: `gcraAfterStart`);
 * - a **singleton holder** whose run has ended or is gone (an ended holder holds nothing);
 * - a **rate-limit or idempotency admission** older than the longest window (`MAX_ADMISSION_WINDOW_MS`);
 * - a **concurrency slot row** whose run has ended (it counts only while its run holds a live lease), or whose
 *   run is gone (deleted by the rule below);
 * - a **run** once it is terminal, ended before the history kept (`runsBefore`), and no run it is linked to by
 *   `step.invoke` is live: neither its parent (whose run view and timeline lead to it) nor any child (whose
 *   end resolves the parent's invoke step); its **steps** go with it, in the same statement or transaction.
 *   Nothing else needs an ended run: its waits were deleted when it ended (`finishRun`, `cancelRun`), an
 *   invoking parent's step got its outcome in the same transaction, event-id, cron and idempotency dedup
 *   live in their own rows (`dedup`, admissions), a debounce or batch holds events, not runs. What reads
 *   old runs — the throttle state one process rebuilds at start-up from the runs that started within its
 *   lookback (rate-limit and idempotency windows are rebuilt from the admissions) — is kept by the engine,
 *   which never sets `runsBefore` later than that lookback (`RetentionSweep`);
 * - a **usage record** (one model call's tokens) once made before `usageBefore`, whether or not its run is
 *   kept: usage totals over a window that starts before it lose those calls, a kept run's usage view the
 *   calls older than it (the engine keeps usage at least as long as runs, so only a run that lasted longer
 *   than the usage window loses any).
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
  /**
   * Terminal runs that ended before this time (ms) are deleted with their steps, unless a run linked to
   * them by `step.invoke` is live (see the module comment): `now − retention.runsMs`, or earlier. Absent:
   * runs and steps are kept.
   */
  runsBefore?: number;
  /** Usage records made (`at`) before this time (ms) are deleted: `now − retention.usageMs`. Absent: kept. */
  usageBefore?: number;
  /**
   * Most rows one statement (one short transaction) deletes, integer ≥ 1. A batch of runs counts each run
   * and each of its steps, and takes at least one run (whatever its number of steps).
   */
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
  /** Ended runs (`runsBefore`). */
  runs: number;
  /** Steps of those runs, deleted with them. */
  steps: number;
  /** Usage records (`usageBefore`). */
  usage: number;
}

/** A result with nothing deleted, to add to. */
export function noneDeleted(): RetentionResult {
  return {
    events: 0,
    dedup: 0,
    throttles: 0,
    singletonHolders: 0,
    admissions: 0,
    slots: 0,
    turns: 0,
    runs: 0,
    steps: 0,
    usage: 0,
  };
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

/** One batch of the runs rule: the candidate runs it looked at, and the runs and steps it deleted. */
export interface RunsBatch {
  examined: number;
  runs: number;
  steps: number;
}

/**
 * Deletes batches of ended runs with `deleteBatch` (which looks at up to `batchSize` deletable runs, oldest
 * end first, and deletes the first of them — at least one — whose runs and steps fit in `batchSize` rows)
 * until one looks at fewer than `batchSize` runs and deletes all of them (none is left), one deletes none, or
 * `signal` is aborted; adds the runs and steps deleted to `deleted`.
 */
export async function deleteRunsInBatches(
  input: Pick<RetentionInput, "batchSize" | "signal">,
  deleteBatch: () => Promise<RunsBatch> | RunsBatch,
  deleted: RetentionResult,
): Promise<void> {
  while (!input.signal?.aborted) {
    const batch = await deleteBatch();
    deleted.runs += batch.runs;
    deleted.steps += batch.steps;
    if (batch.runs === 0 || (batch.examined < input.batchSize && batch.runs === batch.examined)) break;
  }
}
