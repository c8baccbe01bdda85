/**
 * Every status a run can have, in lifecycle order. Terminal: completed, failed, cancelled, skipped.
 * The one list that the store, the run filter checks and the server's query schema share.
 */
export const RUN_STATUSES = [
  "queued",
  "running",
  "sleeping",
  "waiting",
  "completed",
  "failed",
  "cancelled",
  "skipped",
] as const;

/** Lifecycle of a run (one of RUN_STATUSES). */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The statuses a run never leaves. */
export const TERMINAL_RUN_STATUSES: ReadonlySet<string> = new Set<RunStatus>([
  "completed",
  "failed",
  "cancelled",
  "skipped",
]);

/** The statuses of a run that has not ended. */
export const PENDING_RUN_STATUSES: readonly RunStatus[] = RUN_STATUSES.filter(
  (status) => !TERMINAL_RUN_STATUSES.has(status),
);
