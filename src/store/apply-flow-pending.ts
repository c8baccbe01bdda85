/**
 * The body of `AcceptEventsInput.flow` shared by the stores: applies each update to its entry, in order,
 * inside the caller's transaction.
 *
 * @module
 */
import type { FlowPending, FlowPendingKind, FlowPendingState, FlowPendingUpdate } from "./flow-pending.js";
import type { NewRun, StoredEvent } from "./store.js";

/** The entry table as one store sees it, inside its transaction. */
export interface FlowPendingTable {
  get(functionId: string, kind: FlowPendingKind, key: string): FlowPendingState | undefined;
  put(entry: FlowPending): void;
  delete(functionId: string, kind: FlowPendingKind, key: string): void;
  event(id: string): StoredEvent | undefined;
}

/**
 * Applies `updates` (`events` are the events stored by the same call, with `seq`). Returns the entries
 * left written (last state per entry) and the runs to create for released entries.
 */
export function applyFlowUpdates(
  updates: FlowPendingUpdate[],
  events: StoredEvent[],
  table: FlowPendingTable,
): { written: FlowPending[]; runs: NewRun[] } {
  const written = new Map<string, FlowPending>();
  const runs: NewRun[] = [];
  for (const update of updates) {
    const { functionId, kind, key } = update;
    const id = `${functionId}\u0000${kind}\u0000${key}`;
    const event = update.eventIndex === undefined ? undefined : events[update.eventIndex];
    const current = table.get(functionId, kind, key);
    const change = update.apply(current, event);
    if (change === undefined) continue;
    if ("release" in change) {
      table.delete(functionId, kind, key);
      written.delete(id);
      const released = change.release.map((eventId) => table.event(eventId));
      const run = update.buildRun(
        released.filter((stored) => stored !== undefined),
        current,
      );
      if (run) runs.push(run);
    }
    const state = "release" in change ? change.next : change;
    if (state === undefined) continue;
    const entry: FlowPending = { functionId, kind, key, ...state };
    table.put(entry);
    written.set(id, entry);
  }
  return { written: [...written.values()], runs };
}
