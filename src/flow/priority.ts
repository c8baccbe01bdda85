/**
 * `priority.run`: CEL over `event` giving a number of seconds. A run with priority `p` is ordered in
 * its backlog as if it had been created `p` seconds earlier (negative values delay it). Values are
 * clamped to −600…600 s (Inngest's documented default range); a value that is not a number (a string,
 * null, a missing field, NaN) or an expression that throws gives 0 with a warning. A run is always
 * created.
 *
 * @module
 */
import type { CompileExpression } from "./expression.js";

/** Priority range in seconds. */
export const PRIORITY_MIN_S = -600;
export const PRIORITY_MAX_S = 600;

/** A priority in seconds and, when it was clamped or defaulted, the warning to record on the run. */
export interface PriorityResult {
  seconds: number;
  warning?: string;
}

/** Evaluates `priority.run` for `event`. Never throws. */
export function evaluatePriority(compile: CompileExpression, source: string, event: unknown): PriorityResult {
  let raw: unknown;
  try {
    raw = compile(source)({ event });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { seconds: 0, warning: `priority.run: "${source}" failed (${reason}); using 0` };
  }
  const value = typeof raw === "bigint" ? Number(raw) : raw;
  if (typeof value !== "number" || Number.isNaN(value)) {
    return { seconds: 0, warning: `priority.run: "${source}" is not a number (${describe(raw)}); using 0` };
  }
  const seconds = Math.min(PRIORITY_MAX_S, Math.max(PRIORITY_MIN_S, value));
  if (seconds !== value) {
    return {
      seconds,
      warning: `priority.run: ${value} is outside ${PRIORITY_MIN_S}…${PRIORITY_MAX_S}; using ${seconds}`,
    };
  }
  return { seconds };
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === "string" ? JSON.stringify(value) : typeof value;
}
