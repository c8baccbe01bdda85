/**
 * The one rule that splits pending runs in two (DESIGN.md §3, the paged scheduler): a _backlogged_ run was
 * never started and was due when it was created, so it waits in its backlog in the scheduler's order and
 * the engine reads it with `Store.listBacklogRuns` when its backlog has room; every other pending run
 * (started before, or a delayed start) is a _wake-up_, read by time with `Store.listDueRuns`. The SQL stores
 * write the same predicate in their partial indexes.
 *
 * @module
 */

import { TERMINAL_RUN_STATUSES } from "./run-statuses.js";
import type { RunRecord } from "./store.js";

/** Whether `run` waits in its backlog: not terminal, never started, `readyAt <= createdAt`. */
export function isBacklogged(
  run: Pick<RunRecord, "status" | "startedAt" | "readyAt" | "createdAt">,
): boolean {
  return (
    run.startedAt === undefined &&
    run.readyAt !== undefined &&
    run.readyAt <= run.createdAt &&
    !TERMINAL_RUN_STATUSES.has(run.status)
  );
}

/** A run's place in its backlog's serving order: `queueScore` (written at admission), else `createdAt`. */
export function queueScoreOf(run: Pick<RunRecord, "queueScore" | "createdAt">): number {
  return run.queueScore ?? run.createdAt;
}
