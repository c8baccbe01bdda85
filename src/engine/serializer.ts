/**
 * The one serializer for everything the handler gets back from the store (step results, run outputs).
 * Built on `devalue`: Date, Map, Set, RegExp, URL, BigInt, typed arrays, `undefined`, `NaN`, `-0` and
 * repeated or cyclic references survive a round trip. The engine hands the handler the *round-tripped* value
 * on first execution too, so a step result behaves the same whether it ran now or was replayed.
 * An object with its own `toJSON()` (other than Date and URL, which devalue keeps as they are) is stored as
 * what `toJSON()` returns, as `JSON.stringify` would: returning an `AgentResult` or a `NetworkRun` from a
 * step or a handler stores its JSON form. Other class instances are refused (their prototype would be lost).
 *
 * @module
 */
import { parse, stringify } from "devalue";
import { SerializationError } from "../errors/index.js";

const JSON_FORM = "ToJSON";

/** A value serialized through its own `toJSON()`; wrapped in an array so a falsy JSON form still counts. */
function reduceToJSON(value: unknown): [unknown] | false {
  if (typeof value !== "object" || value === null || value instanceof Date || value instanceof URL)
    return false;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === "function" ? [toJSON.call(value)] : false;
}

const reducers = { [JSON_FORM]: reduceToJSON };
const revivers = { [JSON_FORM]: ([data]: [unknown]) => data };

/** Serializes `value`; throws a SerializationError naming `where` and the offending path. */
export function serialize(value: unknown, where: string): string {
  try {
    return stringify(value, reducers);
  } catch (error) {
    const path = (error as { path?: unknown }).path;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SerializationError(where, typeof path === "string" ? path : "", reason);
  }
}

/**
 * Serializes `value` and parses it back: the text to store and the value to hand the handler. Also catches
 * values the serializer writes but cannot read back (e.g. symbols), as a SerializationError naming `where`.
 */
export function roundTrip(value: unknown, where: string): { text: string; value: unknown } {
  const text = serialize(value, where);
  try {
    return { text, value: parse(text, revivers) };
  } catch (error) {
    throw new SerializationError(where, "", error instanceof Error ? error.message : String(error));
  }
}

/** Rebuilds a value stored by `serialize`. */
export function deserialize(text: string): unknown {
  return parse(text, revivers);
}
