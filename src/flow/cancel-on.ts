/**
 * `cancelOn` matching and the two run deadlines of `timeouts`.
 *
 * A candidate event cancels a run when its name equals the entry's `event`, it arrives no later than
 * `timeoutMs` after the run was scheduled, and the entry's condition (`if`, or `match` expanded to
 * one) evaluates to `true` with `event` = the run's trigger event and `async` = the candidate. An
 * expression that throws counts as no match. Only events received after the run was scheduled are
 * offered (the caller guarantees it by matching against runs that exist when the event is processed).
 * An entry without a condition matches every run of the function (documented rule).
 *
 * @module
 */
import type { CancelOnConfig } from "./config/types.js";
import type { CompileExpression } from "./expression.js";

/** Index of the first `cancelOn` entry the candidate matches, or `undefined`. Never throws. */
export function matchCancelOn(
  entries: readonly CancelOnConfig[],
  compile: CompileExpression,
  run: { event: unknown; scheduledAt: number },
  candidate: { name: string; data?: unknown },
  now: number,
): number | undefined {
  for (const [index, entry] of entries.entries()) {
    if (entry.event !== candidate.name || now > run.scheduledAt + entry.timeoutMs) continue;
    if (entry.if === undefined) return index;
    try {
      if (compile(entry.if)({ event: run.event, async: candidate }) === true) return index;
    } catch {
      // An expression that cannot be evaluated for this pair does not match.
    }
  }
  return undefined;
}

/** Deadline to start by (`timeouts.start`), counted from scheduling; `undefined` when not set. */
export function startDeadline(timeouts: { startMs?: number }, scheduledAt: number): number | undefined {
  return timeouts.startMs === undefined ? undefined : scheduledAt + timeouts.startMs;
}

/** Deadline to finish by (`timeouts.finish`), counted from the first start; `undefined` when not set. */
export function finishDeadline(timeouts: { finishMs?: number }, firstStartedAt: number): number | undefined {
  return timeouts.finishMs === undefined ? undefined : firstStartedAt + timeouts.finishMs;
}
