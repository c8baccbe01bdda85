/**
 * Durations in the engine: a number of ms, or an `ms`-style string (`"500ms"`, `"30s"`, `"2h"`, `"7d"`).
 *
 * @module
 */
import ms from "ms";
import { ValidationError } from "../errors/index.js";
import type { Duration } from "./step-types.js";

/** Longest sleep or wait timeout: 365 days (in ms). */
export const MAX_DURATION_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * Converts a duration to ms. Throws ValidationError naming `what` and `field` for a non-finite number,
 * an unparseable string, or more than 365 days.
 */
export function toMs(duration: Duration, what: string, field: string): number {
  const value =
    typeof duration === "number" ? duration : typeof duration === "string" ? parse(duration) : NaN;
  if (!Number.isFinite(value)) {
    throw new ValidationError(what, [
      {
        path: field,
        message: `must be ms (number) or a duration string like "30s" (got ${String(duration)})`,
      },
    ]);
  }
  if (value > MAX_DURATION_MS) {
    throw new ValidationError(what, [{ path: field, message: "must be at most 365 days" }]);
  }
  return value;
}

/** `ms`'s parse of a duration string; NaN when it is not one (`ms` throws for `""`). */
function parse(text: string): number {
  try {
    const value: unknown = ms(text as never);
    return typeof value === "number" ? value : NaN;
  } catch {
    return NaN;
  }
}
