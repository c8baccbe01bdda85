/**
 * What a store only one process writes records of an accept's admissions (`AdmissionRecord`), in the
 * accept's transaction: the engine decided them, the store keeps them so a restart rebuilds the windows
 * exactly. Shared by the SQLite and memory stores; PostgreSQL records them where it decides them
 * (`postgres/admit-runs.ts`).
 *
 * @module
 */
import type { AdmissionRecord } from "./admission-record.js";
import type { FlowPendingUpdate } from "./flow-pending.js";
import type { NewRun, RunRecord } from "./store.js";

/** The admissions of `run` as created at `now` (ms) from `entry` (none for a run stored skipped). */
export function runAdmissions(entry: NewRun, run: RunRecord, now: number): AdmissionRecord[] {
  if (!entry.admission || run.status === "skipped") return [];
  return entry.admission.windows.map(({ scope }) => ({ scope, at: now, runId: run.id }));
}

/**
 * The admissions of the debounced events of `updates` at `now` (ms): each counts in its windows under its
 * candidate run id once the update is applied, whether or not it changed the entry (as the engine counts it).
 */
export function deferralAdmissions(updates: readonly FlowPendingUpdate[], now: number): AdmissionRecord[] {
  return updates.flatMap(({ admission }) =>
    (admission?.windows ?? []).map(({ scope }) => ({ scope, at: now, runId: admission!.refused.run.id })),
  );
}
