/**
 * The SQLite store's retention statements (`Store.sweepRetention`, rules in `src/store/retention.ts`): old
 * events that nothing can read any more, expired event-id dedup keys, ended runs with their steps, old
 * usage records. Each call deletes one batch, by an index: events from the oldest (`seq`), dedup keys by
 * expiry (`dedup_expires`, migration 15), runs by end (`runs_ended`, migration 17: their live children are
 * an index read of `runs_live_children`), usage by time (`usage_at`); the oldest live run's `seq` is an
 * index read (`runs_live_event_seq`, migration 15).
 *
 * @module
 */
import type Database from "better-sqlite3";
import type { RunsBatch } from "../retention.js";
import { TERMINAL_RUN_STATUSES } from "../run-statuses.js";
import { NOT_TERMINAL } from "./statements.js";

/** `status IN` this: a terminal run (the predicate of `runs_ended`, migration 17). */
const TERMINAL = `(${[...TERMINAL_RUN_STATUSES].map((status) => `'${status}'`).join(", ")})`;

/** Larger than any `seq`: the bound when no run is live. */
const NO_BOUND = "9223372036854775807";

/** Prepared retention statements; each function deletes one batch and returns the rows deleted. */
export function retentionTable(db: Database.Database) {
  // The first `limit` events (by seq) before the oldest live run's that no debounce or batch holds, cut at
  // the first one received at or after `before`: events arrive about in seq order, so the cut stops the
  // batch where recent events begin (an older one after it waits for the next pass), and progress never
  // stalls on held events (they are not in the head).
  const oldEvents = db.prepare(`WITH head AS (
      SELECT seq, received_at FROM events
      WHERE seq < COALESCE((SELECT MIN(event_seq) FROM runs WHERE ${NOT_TERMINAL}), ${NO_BOUND})
        AND id NOT IN (SELECT value FROM flow_pending, json_each(flow_pending.event_ids))
      ORDER BY seq LIMIT @limit)
    DELETE FROM events WHERE seq IN (SELECT seq FROM head
      WHERE seq < COALESCE((SELECT MIN(seq) FROM head WHERE received_at >= @before), ${NO_BOUND}))`);
  const expiredDedup = db.prepare(`DELETE FROM dedup WHERE (function_id, key) IN (
      SELECT function_id, key FROM dedup WHERE expires_at <= @before ORDER BY expires_at LIMIT @limit)`);
  // Up to `limit` deletable runs (terminal, ended before `before`, no live parent, no live child), oldest end
  // first (`runs_ended`), and of them the first whose runs and steps fit in `limit` rows (at least one).
  const endedRuns = db.prepare(`WITH candidates AS (
      SELECT r.id, r.ended_at FROM runs r
      WHERE r.status IN ${TERMINAL} AND r.ended_at < @before
        AND NOT EXISTS (SELECT 1 FROM runs p WHERE p.id = r.parent_run_id AND ${NOT_TERMINAL})
        AND NOT EXISTS (SELECT 1 FROM runs c WHERE c.parent_run_id = r.id AND ${NOT_TERMINAL})
      ORDER BY r.ended_at, r.id LIMIT @limit),
    sized AS (SELECT id, ended_at, 1 + (SELECT COUNT(*) FROM steps s WHERE s.run_id = candidates.id) AS size
      FROM candidates),
    counted AS (SELECT id, SUM(size) OVER (ORDER BY ended_at, id) AS upto,
        ROW_NUMBER() OVER (ORDER BY ended_at, id) AS n FROM sized)
    SELECT id, (SELECT COUNT(*) FROM candidates) AS examined FROM counted WHERE upto <= @limit OR n = 1`);
  const runSteps = db.prepare("DELETE FROM steps WHERE run_id = ?");
  const run = db.prepare("DELETE FROM runs WHERE id = ?");
  const oldUsage = db.prepare(`DELETE FROM usage WHERE id IN (
      SELECT id FROM usage WHERE at < @before ORDER BY at LIMIT @limit)`);
  return {
    /** One batch of ended runs (see the statement) with their steps: the runs looked at and deleted. */
    deleteRuns: (before: number, limit: number): RunsBatch => {
      const doomed = endedRuns.all({ before, limit }) as Array<{ id: string; examined: number }>;
      const batch = { examined: doomed[0]?.examined ?? 0, runs: 0, steps: 0 };
      for (const { id } of doomed) {
        batch.steps += runSteps.run(id).changes;
        batch.runs += run.run(id).changes;
      }
      return batch;
    },
    /** Usage records made before `before` (ms), at most `limit`, oldest first (`usage_at`). */
    deleteUsage: (before: number, limit: number): number => oldUsage.run({ before, limit }).changes,
    /** Events received before `before` (ms) that nothing can read, at most `limit`. */
    deleteEvents: (before: number, limit: number): number => oldEvents.run({ before, limit }).changes,
    /** Dedup keys that expired at or before `before` (ms), at most `limit`. */
    deleteDedup: (before: number, limit: number): number => expiredDedup.run({ before, limit }).changes,
  };
}
