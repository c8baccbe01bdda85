/**
 * The index key of a `waitForEvent({ match })` wait: the field path and the JSON of the trigger event's
 * value there. A store looks up only the waits whose key equals the candidate event's value at the same
 * field (plus the waits without a key), so offering an event costs O(matching waits), not O(waits for its
 * name). Only scalars get a key (string, finite number, boolean): for them JSON equality is exactly CEL's
 * `==` (`event.<field> == async.<field>`), and a scalar never equals a non-scalar. Other values (objects,
 * lists, null, a missing field) get no key and the wait is checked against every event of its name.
 *
 * @module
 */

/** A wait's match key: `field` is a dotted path into the handler event ("data.userId"), `value` JSON. */
export interface WaitMatchKey {
  field: string;
  value: string;
}

/** The JSON key of `event`'s value at the dotted `field`, or `undefined` when it is not a scalar. */
export function matchValue(event: unknown, field: string): string | undefined {
  let value: unknown = event;
  for (const part of field.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number" && Number.isFinite(value)) return JSON.stringify(value);
  return undefined;
}

/** The key of a wait that matches on `field` of its trigger event, or `undefined` (no key: always checked). */
export function waitMatchKey(trigger: unknown, field: string | undefined): WaitMatchKey | undefined {
  if (field === undefined) return undefined;
  const value = matchValue(trigger, field);
  return value === undefined ? undefined : { field, value };
}
