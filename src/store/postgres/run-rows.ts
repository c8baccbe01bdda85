/**
 * A run as the PostgreSQL store writes and reads its row: the SQLite row mapping (`../sqlite/rows.ts`), with
 * the concurrency keys NUL-safe inside their JSON too (the `listRuns` filter casts that column to jsonb).
 *
 * @module
 */
import { fromRun, type RunRowDb, toRun } from "../sqlite/rows.js";
import type { RunRecord } from "../store.js";
import { decodeText, encodeText } from "./nul-safe-text.js";

/** The row of `run` (column → value), for `jsonRows`. */
export function runRow(run: RunRecord) {
  return fromRun(
    run.concurrencyKeys ? { ...run, concurrencyKeys: run.concurrencyKeys.map(encodeText) } : run,
  );
}

/** The inverse of `runRow`. */
export function runOf(row: RunRowDb): RunRecord {
  const run = toRun(row);
  if (run.concurrencyKeys) run.concurrencyKeys = run.concurrencyKeys.map(decodeText);
  return run;
}
