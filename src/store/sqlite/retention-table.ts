/**
 * The SQLite store's retention statements (`Store.sweepRetention`, rules in `src/store/retention.ts`): old
 * events that nothing can read any more, and expired event-id dedup keys. Each call deletes one batch in
 * one statement, by an index: events from the oldest (`seq`), dedup keys by expiry (`dedup_expires`,
 * migration 15); the oldest live run's `seq` is an index read (`runs_live_event_seq`, migration 15).
 *
 * @module
 */
import type Database from "better-sqlite3";
import { NOT_TERMINAL } from "./statements.js";

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
  return {
    /** Events received before `before` (ms) that nothing can read, at most `limit`. */
    deleteEvents: (before: number, limit: number): number => oldEvents.run({ before, limit }).changes,
    /** Dedup keys that expired at or before `before` (ms), at most `limit`. */
    deleteDedup: (before: number, limit: number): number => expiredDedup.run({ before, limit }).changes,
  };
}
