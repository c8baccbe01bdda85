/**
 * Rate-limit and idempotency admissions as stored (Store contract, type-only): one record per window an
 * admitted event counts in — a run created with `NewRun.admission`, or a debounced event that joined its
 * debounce with `FlowPendingUpdate.admission` (under its candidate run id, never created). Every store
 * records them in the transaction that creates the run or applies the deferral; PostgreSQL also decides
 * from them (`run_admissions`). The engine rebuilds its windows from them at start-up (`listAdmissions`),
 * so a restart counts exactly what the windows counted before it. Deleted by retention once older than
 * the longest window (`MAX_ADMISSION_WINDOW_MS`).
 *
 * @module
 */

/** One admission of one window scope. */
export interface AdmissionRecord {
  /** The window: `rateLimit:<fn>\u0000<key>` or `idempotency:<fn>\u0000<key>` (`admissionScope`). */
  scope: string;
  /** When it was admitted, ms (the accept's `now`). */
  at: number;
  /** The run admitted (for a debounced event, its candidate run id). */
  runId: string;
}

/** A page of `Store.listAdmissions`. */
export interface AdmissionsQuery {
  /** Admissions after this time (exclusive), ms. */
  since: number;
  /** Integer ≥ 1. */
  limit: number;
  /** The last record of the previous page: the page starts after it in (`at`, scope, run id) order. */
  after?: AdmissionRecord;
}
