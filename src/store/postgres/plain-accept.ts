/**
 * The common accept in one round trip: events and the runs they trigger, with nothing else to decide in the
 * transaction — no debounce or batch change, no event-id dedup, no rate limit, idempotency or singleton to
 * admit, every run from one of the events — is one call of `fairway_accept_events` (`routines.ts`), an
 * autocommit statement. It takes the event names' shared locks as every accept does, so `registerWait`'s
 * exclusive lock orders it against a new wait exactly as the whole accept is ordered; and if a wait for one of
 * the names exists while the events are to be offered, it writes nothing and the caller runs the whole accept
 * (`PostgresStore.accept`), which offers them. Measured in S1 with 4 workers: a light tenant's send went from
 * seven round trips to one (ARCHITECTURE.md, "Transactions and round trips").
 *
 * @module
 */
import { fromEvent } from "../sqlite/rows.js";
import type { AcceptEventsInput, AcceptEventsResult, StoredEvent } from "../store.js";
import { jsonRows } from "./nul-safe-text.js";
import type { PostgresDatabase } from "./postgres-database.js";
import { runRow } from "./run-rows.js";
import { statements } from "./statements.js";

/** Whether `input` is a plain accept: only events and runs from them, nothing else decided with them. */
export function isPlainAccept(input: AcceptEventsInput): boolean {
  return (
    input.events.length > 0 &&
    (input.flow === undefined || input.flow.length === 0) &&
    input.runs.every(
      (entry) => entry.eventIndex !== undefined && entry.dedup === undefined && entry.admission === undefined,
    )
  );
}

/** The event rows `insertEvents` takes (JSON, NUL-safe through `jsonRows`). */
export function eventRows(events: AcceptEventsInput["events"]): string {
  return jsonRows(events.map(fromEvent));
}

/** `events` as stored: each with the `seq` the database gave it (`stored`: id and seq per event row). */
export function storedEvents(
  events: AcceptEventsInput["events"],
  stored: ReadonlyArray<{ id: string; seq: number }>,
): StoredEvent[] {
  const seqOf = new Map(stored.map((row) => [row.id, row.seq]));
  return events.map((event) => ({ ...structuredClone(event), seq: seqOf.get(event.id) ?? 0 }));
}

/**
 * Stores a plain accept (`isPlainAccept`) in one statement → its result, as the whole accept would return it;
 * `undefined` when a wait may take one of its events (nothing was written: run the whole accept). Throws the
 * database's `StoreError` (a dropped connection after sending: retryable, outcome unknown, as a COMMIT's).
 */
export async function acceptPlain(
  database: PostgresDatabase,
  input: AcceptEventsInput,
): Promise<AcceptEventsResult | undefined> {
  const names = [...new Set(input.events.map((event) => event.name))].sort();
  const rows = await database.query<{ stored_id: string; stored_seq: number }>(statements.acceptPlain, [
    names,
    eventRows(input.events),
    jsonRows(input.runs.map((entry) => runRow(entry.run))),
    input.runs.map((entry) => input.events[entry.eventIndex!]!.id),
    input.offer !== undefined,
  ]);
  if (rows.length === 0) return undefined;
  const events = storedEvents(
    input.events,
    rows.map((row) => ({ id: row.stored_id, seq: row.stored_seq })),
  );
  const runs = input.runs.map((entry) => ({
    ...structuredClone(entry.run),
    eventSeq: events[entry.eventIndex!]!.seq,
  }));
  const result: AcceptEventsResult = input.flow ? { events, runs, flow: [] } : { events, runs };
  return input.offer ? { ...result, woken: [] } : result;
}
