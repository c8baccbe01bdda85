/**
 * The pending waits each event of an accept is offered (`listWaits` for many events at once): one statement
 * for the distinct match fields of each event name, then ONE statement for the waits of every event — the
 * waits without a match key for its name, plus those whose key equals the event's value at that field. So
 * the offer inside `acceptEvents` costs a fixed number of round trips, not two per event, and a big send
 * holds its event-name locks (which `registerWait` waits for) no longer than it must.
 *
 * @module
 */
import { toWait, type WaitRowDb } from "../sqlite/rows.js";
import type { WaitRow } from "../store.js";
import { matchValue } from "../wait-match.js";
import type { Transaction } from "./postgres-database.js";
import { statements } from "./statements.js";

/** An event to find waits for: its name and the candidate its match keys are read from (the handler event). */
export interface OfferedEvent {
  name: string;
  candidate: unknown;
}

/** The map key of a match key of event name `name`. */
const keyOf = (name: string, field: string, value: string) => JSON.stringify([name, field, value]);

/**
 * For each of `events`, in order, the waits it is offered: those without a match key for its name first,
 * then those whose key it has (as `Store.listWaits(name, candidate)`). `db` is the pool or a transaction.
 */
export async function offeredWaits(db: Transaction, events: OfferedEvent[]): Promise<WaitRow[][]> {
  const names = [...new Set(events.map((event) => event.name))];
  const fieldsOf = new Map<string, string[]>();
  for (const name of names) {
    const rows = await db.query<{ field: string }>(statements.waitMatchFields, [name]);
    fieldsOf.set(
      name,
      rows.map((row) => row.field),
    );
  }
  const triplesOf = new Map<string, [string, string, string]>();
  const keysOf = events.map(({ name, candidate }) =>
    (fieldsOf.get(name) ?? []).flatMap((field) => {
      const value = matchValue(candidate, field);
      if (value === undefined) return [];
      const key = keyOf(name, field, value);
      triplesOf.set(key, [name, field, value]);
      return [key];
    }),
  );
  const triples = [...triplesOf.values()];
  const rows = await db.query<WaitRowDb>(statements.waitsForEvents, [
    names,
    triples.map(([name]) => name),
    triples.map(([, field]) => field),
    triples.map(([, , value]) => value),
  ]);
  const unkeyed = new Map<string, WaitRow[]>();
  const keyed = new Map<string, WaitRow[]>();
  for (const wait of rows.map(toWait)) {
    const [map, key] = wait.match
      ? [keyed, keyOf(wait.eventName, wait.match.field, wait.match.value)]
      : [unkeyed, wait.eventName];
    const list = map.get(key);
    if (list) list.push(wait);
    else map.set(key, [wait]);
  }
  return events.map(({ name }, index) => [
    ...(unkeyed.get(name) ?? []),
    ...(keysOf[index] ?? []).flatMap((key) => keyed.get(key) ?? []),
  ]);
}
