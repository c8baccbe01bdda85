/**
 * PostgreSQL `text` cannot hold the NUL character (U+0000), which ids and keys may contain (the engine's
 * backlog keys join a function id and a key value with one; user step ids, event names and key values may
 * hold one too). Every string the store writes is encoded and every string it reads decoded, with an
 * injective escape on U+0001: U+0001 → U+0001 U+0001, U+0000 → U+0001 U+0002. Strings without either
 * character (nearly all) pass unchanged; JSON text never contains either raw (JSON escapes control
 * characters), so encoding serialized values is a no-op.
 *
 * @module
 */

const NUL = "\u0000";
const ESCAPE = "\u0001";

/** `text` with U+0000 and U+0001 escaped (see the module doc). */
export function encodeText(text: string): string {
  if (!text.includes(NUL) && !text.includes(ESCAPE)) return text;
  return text.split(ESCAPE).join(`${ESCAPE}${ESCAPE}`).split(NUL).join(`${ESCAPE}\u0002`);
}

/** The inverse of `encodeText`. */
export function decodeText(text: string): string {
  if (!text.includes(ESCAPE)) return text;
  let out = "";
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char !== ESCAPE) {
      out += char;
      continue;
    }
    index++;
    out += text[index] === "\u0002" ? NUL : ESCAPE;
  }
  return out;
}

/** A statement's parameters with every string, and every string in an array, encoded. */
export function encodeParams(values: unknown[]): unknown[] {
  return values.map((value) => {
    if (typeof value === "string") return encodeText(value);
    if (Array.isArray(value))
      return value.map((item) => (typeof item === "string" ? encodeText(item) : item));
    return value;
  });
}

/** A row with its string columns decoded (in place; rows are fresh objects from the driver). */
export function decodeRow<Row>(row: Row): Row {
  const record = row as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (typeof value === "string") record[key] = decodeText(value);
  }
  return row;
}

/** JSON of rows for `json_populate_recordset`, with their string columns encoded. */
export function jsonRows(rows: object[]): string {
  return JSON.stringify(
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row))
        out[key] = typeof value === "string" ? encodeText(value) : value;
      return out;
    }),
  );
}
