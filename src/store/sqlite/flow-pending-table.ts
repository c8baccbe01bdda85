/**
 * The SQLite `flow_pending` table (migration 3): pending debounces and open batches, one row per
 * function × kind × key, event ids as a JSON array.
 *
 * @module
 */
import type Database from "better-sqlite3";
import type { FlowPendingTable } from "../apply-flow-pending.js";
import type { FlowPending, FlowPendingCursor, FlowPendingKind } from "../store.js";
import { type EventRowDb, toEvent } from "./rows.js";

export interface FlowPendingRowDb {
  function_id: string;
  kind: string;
  key: string;
  event_ids: string;
  last_ts: number;
  first_at: number;
  due_at: number;
}

export function toFlowPending(row: FlowPendingRowDb): FlowPending {
  return {
    functionId: row.function_id,
    kind: row.kind as FlowPendingKind,
    key: row.key,
    eventIds: JSON.parse(row.event_ids) as string[],
    lastTs: row.last_ts,
    firstAt: row.first_at,
    dueAt: row.due_at,
  };
}

/** The row of an entry (the inverse of `toFlowPending`). */
export function fromFlowPending(entry: FlowPending): FlowPendingRowDb {
  return {
    function_id: entry.functionId,
    kind: entry.kind,
    key: entry.key,
    event_ids: JSON.stringify(entry.eventIds),
    last_ts: entry.lastTs,
    first_at: entry.firstAt,
    due_at: entry.dueAt,
  };
}

/** Prepared statements over `flow_pending`; use inside the store's transaction. */
export function flowPendingTable(db: Database.Database): FlowPendingTable & {
  list(): FlowPending[];
  /** `Store.listDueFlowPending`: an index range on `flow_pending_due` (migration 14). */
  due(until: number, limit: number, after?: FlowPendingCursor): FlowPending[];
} {
  const get = db.prepare("SELECT * FROM flow_pending WHERE function_id = ? AND kind = ? AND key = ?");
  const put = db.prepare(
    `INSERT OR REPLACE INTO flow_pending (function_id, kind, key, event_ids, last_ts, first_at, due_at)
     VALUES (@function_id, @kind, @key, @event_ids, @last_ts, @first_at, @due_at)`,
  );
  const remove = db.prepare("DELETE FROM flow_pending WHERE function_id = ? AND kind = ? AND key = ?");
  const event = db.prepare("SELECT * FROM events WHERE id = ?");
  const list = db.prepare("SELECT * FROM flow_pending ORDER BY due_at");
  const due = db.prepare(
    `SELECT * FROM flow_pending WHERE due_at <= @until
       AND (due_at, function_id, kind, key) > (@due_at, @function_id, @kind, @key)
     ORDER BY due_at, function_id, kind, key LIMIT @limit`,
  );
  return {
    get(functionId, kind, key) {
      const row = get.get(functionId, kind, key) as FlowPendingRowDb | undefined;
      if (!row) return undefined;
      const { eventIds, lastTs, firstAt, dueAt } = toFlowPending(row);
      return { eventIds, lastTs, firstAt, dueAt };
    },
    put(entry) {
      put.run(fromFlowPending(entry));
    },
    delete(functionId, kind, key) {
      remove.run(functionId, kind, key);
    },
    event(id) {
      const row = event.get(id) as EventRowDb | undefined;
      return row ? toEvent(row) : undefined;
    },
    list: () => (list.all() as FlowPendingRowDb[]).map(toFlowPending),
    due: (until, limit, after) =>
      (
        due.all({
          until,
          limit,
          due_at: after?.dueAt ?? Number.MIN_SAFE_INTEGER,
          function_id: after?.functionId ?? "",
          kind: after?.kind ?? "",
          key: after?.key ?? "",
        }) as FlowPendingRowDb[]
      ).map(toFlowPending),
  };
}
