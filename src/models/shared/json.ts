import secureJsonParse from "secure-json-parse";

/** Result of parsing untrusted JSON text: the value, or why it failed. */
export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Parses untrusted JSON text (provider bodies, tool arguments) without prototype pollution:
 * `__proto__` and `constructor.prototype` keys are removed (secure-json-parse). Never throws.
 */
export function parseJson(text: string): JsonParseResult {
  try {
    return {
      ok: true,
      value: secureJsonParse(text, null, { protoAction: "remove", constructorAction: "remove" }),
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
