/**
 * Every SQL statement of `SqliteStore` over its core tables (events, runs, steps, waits, dedup), and the
 * query `listRuns` builds from a filter. The flow, limit-override and usage tables keep their statements in
 * their own modules (`flow-pending-table.ts`, `limit-overrides-table.ts`, `usage-table.ts`).
 *
 * @module
 */
import type Database from "better-sqlite3";
import { decodeCursor } from "../cursor.js";
import { runFilterConditions, whereConditions } from "../filter-conditions.js";
import { TERMINAL_RUN_STATUSES } from "../run-statuses.js";
import type { RunFilter } from "../store.js";
import { RUN_COLUMNS, STEP_COLUMNS } from "./rows.js";

/**
 * `status` is not a terminal status, as `status <> 'completed' AND status <> 'failed' AND ...`: SQLite
 * evaluates `NOT IN ('completed', ...)` by filling a temporary b-tree with the list on every execution
 * (`OpenEphemeral`), which cost a lease check 4 µs of its 6; the comparisons cost nothing measurable.
 */
export const NOT_TERMINAL = `(${[...TERMINAL_RUN_STATUSES].map((status) => `status <> '${status}'`).join(" AND ")})`;

/**
 * The run (`?` 1) is not terminal and the owner (`?` 2) holds a live lease on it at now (`?` 3): the fence of
 * every write of a run.
 */
const HELD = `id = ? AND lease_owner = ? AND lease_expires_at > ? AND ${NOT_TERMINAL}`;

/** A full `steps` row: its columns, and one `?` per column (the values of `stepValues`, in order). */
const STEP_ROW = `(${STEP_COLUMNS.join(", ")})`;
const STEP_VALUES = STEP_COLUMNS.map(() => "?").join(", ");

/** `listRuns` filter conditions (named parameter = the field). */
const FILTERS = runFilterConditions(
  "EXISTS (SELECT 1 FROM json_each(runs.concurrency_keys) WHERE value = $)",
);

/**
 * The `listRuns` query for `filter`: newest first (`created_at`, then `id`, descending), at most `limit` rows,
 * after `filter.cursor` when set. Returns the SQL and its named parameters. Throws what `decodeCursor` throws
 * for a malformed cursor.
 */
export function listRunsQuery(
  filter: RunFilter,
  limit: number,
): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { limit };
  const where = whereConditions(FILTERS, filter, (field, value) => {
    params[field] = value;
    return `@${field}`;
  });
  if (filter.cursor !== undefined) {
    const cursor = decodeCursor(filter.cursor);
    where.push("(created_at < @cursorAt OR (created_at = @cursorAt AND id < @cursorId))");
    params.cursorAt = cursor.createdAt;
    params.cursorId = cursor.id;
  }
  const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at DESC, id DESC LIMIT @limit`;
  return { sql, params };
}

/**
 * The SQL of every statement the store runs more than once, by name. Named parameters (`@name`) are the
 * row's columns (as `rows.ts` maps them) or the caller's values; positional ones (`?`) bind in the order
 * they appear in the SQL.
 */
export const SQL = {
  insertEvent: `INSERT INTO events (id, name, data, ts, v, user_id, received_at)
     VALUES (@id, @name, @data, @ts, @v, @user_id, @received_at)`,
  getEvent: "SELECT * FROM events WHERE id = ?",
  maxSeq: "SELECT MAX(seq) AS seq FROM events",
  eventsAfter: `SELECT * FROM events WHERE name = @name AND seq > @after
       AND NOT EXISTS (SELECT 1 FROM steps WHERE steps.run_id = @run_id AND steps.event_id = events.id)
     ORDER BY seq`,
  claimDedup: `INSERT INTO dedup (function_id, key, expires_at) VALUES (@function_id, @key, @expires_at)
     ON CONFLICT (function_id, key) DO UPDATE SET expires_at = excluded.expires_at
     WHERE dedup.expires_at <= @now`,
  insertRun: `INSERT INTO runs (${RUN_COLUMNS.join(", ")}) VALUES (${RUN_COLUMNS.map(() => "?").join(", ")})`,
  getRun: "SELECT * FROM runs WHERE id = ?",
  setWaitReason: "UPDATE runs SET wait_reason = ? WHERE id = ?",
  claimRun: `UPDATE runs SET status = 'running', started_at = COALESCE(started_at, @now),
       lease_owner = @owner, lease_expires_at = @until
     WHERE id = @id AND ${NOT_TERMINAL} AND ready_at IS NOT NULL AND ready_at <= @now
       AND (lease_expires_at IS NULL OR lease_expires_at <= @now OR lease_owner = @owner)
     RETURNING *`,
  renewLease: `UPDATE runs SET lease_expires_at = ? WHERE ${HELD}`,
  releaseLeases: "UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = ?",
  heldBy: `SELECT 1 FROM runs WHERE ${HELD}`,
  suspendRun: `UPDATE runs SET status = @status, ready_at = @ready_at, attempt = @attempt,
       lease_owner = NULL, lease_expires_at = NULL WHERE id = @id`,
  finishRun: `UPDATE runs SET status = @status, output = @output, error = @error, ended_at = @ended_at,
       ready_at = NULL, lease_owner = NULL, lease_expires_at = NULL
     WHERE id = @id AND ${NOT_TERMINAL} AND (@owner IS NULL OR lease_owner = @owner)
     RETURNING *`,
  cancelRun: `UPDATE runs SET status = 'cancelled', cancel_reason = @reason, ended_at = @now, ready_at = NULL
     WHERE id = @id AND ${NOT_TERMINAL} RETURNING *`,
  wakeRun: `UPDATE runs SET ready_at = @now WHERE id = @id AND ${NOT_TERMINAL}
       AND (ready_at IS NULL OR ready_at > @now)`,
  // The backlogged runs of each backlog (src/store/backlogged.ts): a grouped read of the runs_backlog index.
  backlogs: `SELECT backlog_key, COUNT(*) AS runs FROM runs WHERE started_at IS NULL AND ready_at <= created_at
     GROUP BY backlog_key ORDER BY backlog_key`,
  // An index range on runs_backlog (backlog_key, queue_score, id) after (@after_score, @after_id).
  backlogRuns: `SELECT * FROM runs WHERE backlog_key = @backlog_key AND started_at IS NULL AND ready_at <= created_at
       AND (queue_score, id) > (@after_score, @after_id)
     ORDER BY queue_score, id LIMIT @limit`,
  // An index range on runs_started (function_id, started_at, id) after (@after_started_at, @after_id).
  startedRuns: `SELECT * FROM runs WHERE function_id = @function_id AND started_at IS NOT NULL
       AND started_at >= @since AND (started_at, id) > (@after_started_at, @after_id)
     ORDER BY started_at, id LIMIT @limit`,
  // An index range on runs_wakeup (ready_at, id): the page after (@after_ready_at, @after_id).
  dueRuns: `SELECT * FROM runs WHERE ready_at IS NOT NULL AND (started_at IS NOT NULL OR ready_at > created_at)
       AND ready_at <= @now AND (ready_at, id) > (@after_ready_at, @after_id)
       AND ${NOT_TERMINAL} AND (lease_expires_at IS NULL OR lease_expires_at <= @now)
     ORDER BY ready_at, id LIMIT @limit`,
  upsertStep: `INSERT OR REPLACE INTO steps ${STEP_ROW} VALUES (${STEP_VALUES})`,
  // `upsertStep` if the lease is held (`HELD`: the step's run, the owner, now), in one statement: no change if not.
  upsertHeldStep: `INSERT OR REPLACE INTO steps ${STEP_ROW} SELECT ${STEP_VALUES} WHERE EXISTS (SELECT 1 FROM runs WHERE ${HELD})`,
  insertStepIfAbsent: `INSERT INTO steps ${STEP_ROW} VALUES (${STEP_VALUES})
     ON CONFLICT (run_id, id) DO NOTHING`,
  completeWaiting: `INSERT INTO steps ${STEP_ROW} VALUES (${STEP_VALUES})
     ON CONFLICT (run_id, id) DO UPDATE SET status = excluded.status, output = excluded.output,
       event_id = excluded.event_id, ended_at = excluded.ended_at, wake_at = NULL
     WHERE steps.status = 'waiting'`,
  getSteps: "SELECT * FROM steps WHERE run_id = ? ORDER BY position, started_at",
  resolveStep: `UPDATE steps SET status = @status, output = @output, error = @error, event_id = @event_id,
       ended_at = @ended_at, wake_at = NULL
     WHERE run_id = @run_id AND id = @id AND status = 'waiting'`,
  getStepStatus: "SELECT status FROM steps WHERE run_id = ? AND id = ?",
  consumed: "SELECT 1 FROM steps WHERE run_id = ? AND event_id = ?",
  insertWait: `INSERT OR REPLACE INTO waits (id, run_id, step_id, event_name, expression, trigger_event, expires_at,
       after_seq, match_field, match_value) VALUES (@id, @run_id, @step_id, @event_name, @expression,
       @trigger_event, @expires_at, @after_seq, @match_field, @match_value)`,
  waitsFor: "SELECT * FROM waits WHERE event_name = ?",
  waitsUnkeyed: "SELECT * FROM waits WHERE event_name = ? AND match_field IS NULL",
  waitsKeyed: "SELECT * FROM waits WHERE event_name = ? AND match_field = ? AND match_value = ?",
  // The distinct match fields of an event name: one index seek per field (a skip scan), not one per wait.
  waitMatchFields: `WITH RECURSIVE f(field) AS (
       SELECT min(match_field) FROM waits WHERE event_name = @name
       UNION ALL
       SELECT (SELECT min(match_field) FROM waits WHERE event_name = @name AND match_field > f.field)
       FROM f WHERE f.field IS NOT NULL)
     SELECT field FROM f WHERE field IS NOT NULL`,
  deleteWait: "DELETE FROM waits WHERE id = ?",
  deleteRunWaits: "DELETE FROM waits WHERE run_id = ?",
} as const;

/** The prepared statements of `SQL`, by the same names. */
export type Statements = { readonly [Name in keyof typeof SQL]: Database.Statement };

/**
 * Prepares every statement of `SQL` once on `db`. Call after `migrate`: better-sqlite3 checks at prepare time
 * that the tables exist, and throws its `SqliteError` when one does not.
 */
export function prepareStatements(db: Database.Database): Statements {
  return Object.fromEntries(
    Object.entries(SQL).map(([name, text]) => [name, db.prepare(text)]),
  ) as Statements;
}
