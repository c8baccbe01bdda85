/**
 * The key-expression rule. Keys (concurrency, throttle, rate limit, idempotency, debounce, batching,
 * singleton) are CEL over `event`, evaluated once when the run is scheduled. A value is turned into a
 * string: strings as they are, numbers/bigints/booleans with `String`, lists and maps as JSON.
 *
 * ONE rule for a key that cannot be had — the expression throws (e.g. a missing field) or yields
 * `null`: the run falls into the shared key {@link NULL_KEY} of that control, and a warning naming the
 * field is recorded on the run. Scheduling never fails and never retries because of a key, and runs
 * that do have a key are never held up by the ones that don't (they are in other buckets).
 *
 * @module
 */
import type { CompileExpression } from "./expression.js";

/** The shared key of runs whose key expression errored or yielded null. */
export const NULL_KEY = "__null__";

/** A key value and, when the null-key rule applied, the warning to record on the run. */
export interface KeyResult {
  value: string;
  warning?: string;
}

/**
 * Evaluates the key expression `source` (config field `path`, used in the warning) against `event`.
 * Never throws.
 */
export function evaluateKey(
  compile: CompileExpression,
  source: string,
  event: unknown,
  path: string,
): KeyResult {
  let raw: unknown;
  try {
    raw = compile(source)({ event });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      value: NULL_KEY,
      warning: `${path}: "${source}" failed (${reason}); using the key "${NULL_KEY}"`,
    };
  }
  if (raw === null || raw === undefined) {
    return { value: NULL_KEY, warning: `${path}: "${source}" is null; using the key "${NULL_KEY}"` };
  }
  return { value: keyToString(raw) };
}

function keyToString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  return JSON.stringify(value, (_name, inner: unknown) =>
    typeof inner === "bigint" ? inner.toString() : inner,
  );
}
