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

/**
 * What devalue writes for `undefined`, `null`, a boolean or a finite number other than `-0` (`-1`, `[null]`,
 * `[true]`, `[5]`, `[1e+21]`), without its general walk (~1 µs and a Map per value); `undefined` for any
 * other value. `serializer.test.ts` checks it against devalue.
 */
export function primitiveText(value: unknown): string | undefined {
  if (value === undefined) return "-1";
  if (value === null || typeof value === "boolean") return `[${value}]`;
  if (typeof value === "number" && Number.isFinite(value) && !Object.is(value, -0)) return `[${value}]`;
  return undefined;
}

/** Serializes `value`; throws a SerializationError naming `where` and the offending path. */
export function serialize(value: unknown, where: string): string {
  const primitive = primitiveText(value);
  if (primitive !== undefined) return primitive;
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
  // A string, number, boolean, bigint or `undefined` comes back as itself (symbols do not: parsed below).
  if (
    value === null ||
    (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol")
  )
    return { text, value };
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
