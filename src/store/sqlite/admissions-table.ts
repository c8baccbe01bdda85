/**
 * The SQLite `run_admissions` table (migration 16): the rate-limit and idempotency admissions the engine
 * counted (`AdmissionRecord`), keyed by (`at`, scope, run id) — the order `listAdmissions` reads them in and
 * the one retention deletes them in.
 *
 * @module
 */
import type Database from "better-sqlite3";
import type { AdmissionRecord, AdmissionsQuery } from "../admission-record.js";

interface AdmissionRowDb {
  at: number;
  scope: string;
  run_id: string;
}

/** Prepared statements over `run_admissions`. */
export function admissionsTable(db: Database.Database) {
  const insert = db.prepare("INSERT OR IGNORE INTO run_admissions (at, scope, run_id) VALUES (?, ?, ?)");
  const first = db.prepare(
    "SELECT at, scope, run_id FROM run_admissions WHERE at > @since ORDER BY at, scope, run_id LIMIT @limit",
  );
  const next = db.prepare(`SELECT at, scope, run_id FROM run_admissions
    WHERE at > @since AND (at, scope, run_id) > (@at, @scope, @run_id) ORDER BY at, scope, run_id LIMIT @limit`);
  const old = db.prepare(`DELETE FROM run_admissions WHERE (at, scope, run_id) IN (
      SELECT at, scope, run_id FROM run_admissions WHERE at <= @before ORDER BY at LIMIT @limit)`);
  return {
    /** Records `records` (one already recorded is kept as it is); call inside the accept's transaction. */
    record(records: readonly AdmissionRecord[]): void {
      for (const { at, scope, runId } of records) insert.run(at, scope, runId);
    },
    /** See `Store.listAdmissions`. */
    list({ since, limit, after }: AdmissionsQuery): AdmissionRecord[] {
      const rows = (
        after
          ? next.all({ since, limit, at: after.at, scope: after.scope, run_id: after.runId })
          : first.all({ since, limit })
      ) as AdmissionRowDb[];
      return rows.map((row) => ({ scope: row.scope, at: row.at, runId: row.run_id }));
    },
    /** Admissions at or before `before` (ms), oldest first, at most `limit`; returns how many. */
    deleteOld: (before: number, limit: number): number => old.run({ before, limit }).changes,
  };
}
