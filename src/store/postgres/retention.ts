/**
 * `PostgresStore.sweepRetention`: the batches of `statements.ts` ("Retention"), kind after kind. The kinds
 * with an index on what makes a row deletable (events by `seq`, dedup keys by expiry, admissions by time,
 * ended runs by end, usage by time) delete a batch from the oldest until one comes back short (runs: until
 * one looks at fewer runs than a batch, since a batch is bounded by the steps it deletes too); the kinds
 * whose rows stop counting when their run ends or their time passes and that have no such index (throttles,
 * singleton holders, slot rows: about one row per key) are walked by primary key, a batch of rows looked at
 * per statement, with a cursor.
 *
 * @module
 */
import { MAX_ADMISSION_WINDOW_MS } from "../../flow/store-admission.js";
import {
  deleteInBatches,
  deleteRunsInBatches,
  noneDeleted,
  type RetentionInput,
  type RetentionResult,
  type RunsBatch,
} from "../retention.js";
import type { PostgresDatabase, Statement } from "./postgres-database.js";
import { statements, TURN_MEMORY_MS } from "./statements.js";

/** A keyset batch's answer: the last key looked at (NULL: none), how many rows it looked at and deleted. */
interface ScanRow {
  last: string | null;
  last_run?: string | null;
  examined: number;
  deleted: number;
}

/** One pass over every kind (see `Store.sweepRetention`); stops between batches once `input.signal` aborts. */
export async function sweepRetention(db: PostgresDatabase, input: RetentionInput): Promise<RetentionResult> {
  const { eventsBefore, expiredBefore, batchSize } = input;
  const count = (statement: Statement, bound: number) => async () =>
    (await db.query<{ n: number }>(statement, [bound, batchSize]))[0]?.n ?? 0;
  const deleted = noneDeleted();
  deleted.events = await deleteInBatches(input, count(statements.deleteOldEvents, eventsBefore));
  deleted.dedup = await deleteInBatches(input, count(statements.deleteExpiredDedup, expiredBefore));
  deleted.admissions = await deleteInBatches(
    input,
    count(statements.deleteOldAdmissions, expiredBefore - MAX_ADMISSION_WINDOW_MS),
  );
  deleted.throttles = await walk(input, [""], (after) =>
    db.query<ScanRow>(statements.deletePastThrottles, [after[0], expiredBefore, batchSize]),
  );
  deleted.singletonHolders = await walk(input, [""], (after) =>
    db.query<ScanRow>(statements.deleteEndedHolders, [after[0], batchSize]),
  );
  deleted.slots = await walk(input, ["", ""], (after) =>
    db.query<ScanRow>(statements.deleteEndedSlots, [after[0], after[1], batchSize]),
  );
  deleted.turns = await walk(input, ["", ""], (after) =>
    db.query<ScanRow>(statements.deleteIdleTurns, [
      after[0],
      after[1],
      expiredBefore,
      expiredBefore - TURN_MEMORY_MS,
      batchSize,
    ]),
  );
  const { runsBefore, usageBefore } = input;
  if (runsBefore !== undefined)
    await deleteRunsInBatches(
      input,
      async () =>
        (await db.query<RunsBatch>(statements.deleteEndedRuns, [runsBefore, batchSize]))[0] ?? {
          examined: 0,
          runs: 0,
          steps: 0,
        },
      deleted,
    );
  if (usageBefore !== undefined)
    deleted.usage = await deleteInBatches(input, count(statements.deleteOldUsage, usageBefore));
  return deleted;
}

/**
 * Walks a table by primary key from `first`, one batch per `step` (which looks at up to `batchSize` rows
 * after the cursor and deletes those that qualify), until a batch looks at fewer rows or `signal` aborts.
 * Returns the rows deleted.
 */
async function walk(
  input: RetentionInput,
  first: string[],
  step: (after: string[]) => Promise<ScanRow[]>,
): Promise<number> {
  let after = first;
  let total = 0;
  while (!input.signal?.aborted) {
    const [row] = await step(after);
    if (!row) break;
    total += row.deleted;
    if (row.examined < input.batchSize || row.last === null) break;
    after = row.last_run === undefined ? [row.last] : [row.last, row.last_run ?? ""];
  }
  return total;
}
