/**
 * `AcceptEventsInput.flow` on PostgreSQL. `applyFlowUpdates` (shared by the stores) decides each change
 * synchronously from the entry as stored; here that entry comes from the database: the entries the
 * updates touch are locked first (a transaction-scoped advisory lock per function × kind × key, taken in
 * sorted order, which also covers entries that do not exist yet, so two workers never both open a batch),
 * read with the events they hold, changed in memory, and written back in two statements.
 *
 * @module
 */
import { applyFlowUpdates, type FlowPendingTable } from "../apply-flow-pending.js";
import { type FlowPendingRowDb, fromFlowPending, toFlowPending } from "../sqlite/flow-pending-table.js";
import { type EventRowDb, toEvent } from "../sqlite/rows.js";
import type { FlowPending, FlowPendingKind, FlowPendingUpdate, NewRun, StoredEvent } from "../store.js";
import { jsonRows } from "./nul-safe-text.js";
import type { Transaction } from "./postgres-database.js";
import { statements } from "./statements.js";

const entryId = (functionId: string, kind: FlowPendingKind, key: string) =>
  JSON.stringify([functionId, kind, key]);

/** Applies `updates` inside `tx`; returns what `applyFlowUpdates` returns. */
export async function applyFlowUpdatesInTransaction(
  tx: Transaction,
  updates: FlowPendingUpdate[],
  events: StoredEvent[],
): Promise<{ written: FlowPending[]; runs: NewRun[] }> {
  if (updates.length === 0) return { written: [], runs: [] };
  const touched = new Map<string, [string, FlowPendingKind, string]>();
  for (const { functionId, kind, key } of updates)
    touched.set(entryId(functionId, kind, key), [functionId, kind, key]);
  const ids = [...touched.keys()].sort();
  await tx.query(statements.lockFlowKeys, [ids]);
  const keys = ids.map((id) => touched.get(id) as [string, FlowPendingKind, string]);
  const rows = await tx.query<FlowPendingRowDb>(statements.getFlowPending, [
    keys.map((k) => k[0]),
    keys.map((k) => k[1]),
    keys.map((k) => k[2]),
  ]);
  const stored = new Map(
    rows.map((row) => [entryId(row.function_id, row.kind as FlowPendingKind, row.key), toFlowPending(row)]),
  );
  const held = [...stored.values()].flatMap((entry) => entry.eventIds);
  const eventsById = new Map(events.map((event) => [event.id, event]));
  if (held.length > 0) {
    for (const row of await tx.query<EventRowDb>(statements.getEvents, [held]))
      eventsById.set(row.id, toEvent(row));
  }
  // The entries as the updates leave them: a copy in, a copy out, as if each call were a statement.
  const current = new Map<string, FlowPending | undefined>(stored);
  const changed = new Set<string>();
  const table: FlowPendingTable = {
    get: (functionId, kind, key) => {
      const entry = current.get(entryId(functionId, kind, key));
      if (!entry) return undefined;
      const { eventIds, lastTs, firstAt, dueAt } = structuredClone(entry);
      return { eventIds, lastTs, firstAt, dueAt };
    },
    put: (entry) => {
      const id = entryId(entry.functionId, entry.kind, entry.key);
      current.set(id, structuredClone(entry));
      changed.add(id);
    },
    delete: (functionId, kind, key) => {
      const id = entryId(functionId, kind, key);
      current.set(id, undefined);
      changed.add(id);
    },
    event: (id) => {
      const event = eventsById.get(id);
      return event && structuredClone(event);
    },
  };
  const result = applyFlowUpdates(updates, events, table);
  const puts: FlowPending[] = [];
  const deletes: Array<[string, FlowPendingKind, string]> = [];
  for (const id of changed) {
    const entry = current.get(id);
    if (entry) puts.push(entry);
    else if (stored.has(id)) deletes.push(touched.get(id) as [string, FlowPendingKind, string]);
  }
  if (deletes.length > 0) {
    await tx.query(statements.deleteFlowPending, [
      deletes.map((k) => k[0]),
      deletes.map((k) => k[1]),
      deletes.map((k) => k[2]),
    ]);
  }
  if (puts.length > 0) await tx.query(statements.upsertFlowPending, [jsonRows(puts.map(fromFlowPending))]);
  return result;
}
