/**
 * SQL literals in place of bound parameters, for the statements the PostgreSQL store sends together in ONE
 * round trip (`PostgresDatabase.script`: the simple query protocol, which takes several statements but no
 * parameters). Values are made NUL-safe first, exactly as bound parameters are (`encodeParams`).
 *
 * @module
 */
import { encodeParams } from "./nul-safe-text.js";

/** A string as a SQL literal, quoted as pg's `escapeLiteral` does: it can never end its literal early. */
function stringLiteral(text: string): string {
  const quoted = `'${text.replaceAll("'", "''")}'`;
  return text.includes("\\") ? ` E${quoted.replaceAll("\\", "\\\\")}` : quoted;
}

function literal(value: unknown, place: number): string {
  if (value === null) return "NULL";
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return `ARRAY[${value.map((item) => literal(item, place)).join(", ")}]`;
  throw new TypeError(
    `$${place}: cannot be inlined (a string, finite number, boolean, null or array of them)`,
  );
}

/**
 * `text` with each placeholder `$n` replaced by the literal of `values[n - 1]`: strings quoted (with `'`
 * doubled, and `E'…'` with `\` doubled when one occurs), finite numbers, booleans, null, arrays as
 * `ARRAY[…]` (the statement casts each array placeholder, so an empty one is typed). `text` must use `$`
 * for placeholders only. Throws a TypeError naming the placeholder for a value of another kind or a `$n`
 * with no value.
 */
export function inlineValues(text: string, values: unknown[]): string {
  const encoded = encodeParams(values);
  return text.replace(/\$(\d+)/g, (_, digits: string) => {
    const place = Number(digits);
    if (place < 1 || place > encoded.length) throw new TypeError(`$${place}: no value for this placeholder`);
    return literal(encoded[place - 1], place);
  });
}
