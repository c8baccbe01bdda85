/**
 * Rate limit, idempotency and singleton decided in the accept's transaction, across workers
 * (`NewRun.admission`, `src/flow/store-admission.ts`): the scopes of every run of the accept are locked
 * (transaction advisory locks, sorted), their state is read in one statement, each run is decided in order
 * in memory, and what the admitted runs took is written in one statement. Three round trips per accept that
 * has such runs (two when none is admitted), none otherwise. See src/store/postgres/ARCHITECTURE.md, "Rate limit, idempotency and
 * singleton at creation".
 *
 * @module
 */
import type { RunAdmission } from "../../flow/store-admission.js";
import { singletonSkipReason } from "../../flow/store-admission.js";
import type { RunRecord } from "../store.js";
import type { Transaction } from "./postgres-database.js";
import { statements } from "./statements.js";

/** A run about to be inserted, with what its admission asks (`NewRun.admission`). */
export interface AdmissionCandidate {
  /** Changed in place to `skipped` (with `skipReason`, `endedAt`, no `readyAt`) when it does not fit. */
  run: RunRecord;
  admission?: RunAdmission;
}

/** Each window scope's admissions in its window, and each singleton scope's active holder. */
interface AdmissionState {
  counts: Map<string, number>;
  holders: Map<string, string>;
}

/**
 * Decides every candidate's admission at `now` (ms) inside `tx`, in order (a run counts for the ones after
 * it), skipping in place the runs that do not fit, and records what the others took. `locked`: scopes whose
 * lock `tx` already holds (`admitDeferrals`); the others are locked here. Returns the active singleton
 * holders (mode `cancel`) the admitted runs replaced, for the caller to cancel after the commit.
 */
export async function admitRuns(
  tx: Transaction,
  candidates: readonly AdmissionCandidate[],
  now: number,
  locked: ReadonlySet<string> = new Set(),
): Promise<Array<{ runId: string; by: string }>> {
  const asking = candidates.filter((candidate) => candidate.admission !== undefined);
  if (asking.length === 0) return [];
  const periods = new Map<string, number>();
  const singletons = new Set<string>();
  for (const { admission } of asking) {
    for (const window of admission!.windows)
      if (!periods.has(window.scope)) periods.set(window.scope, window.periodMs);
    if (admission!.singleton) singletons.add(admission!.singleton.scope);
  }
  const unlocked = [...periods.keys(), ...singletons].filter((scope) => !locked.has(scope));
  if (unlocked.length > 0) await tx.query(statements.lockAdmissionScopes, [unlocked.sort()]);
  const state = await readState(tx, periods, singletons, now);
  const admitted = { scopes: [] as string[], runIds: [] as string[] };
  const replaced: Array<{ runId: string; by: string }> = [];
  for (const { run, admission } of asking) {
    const reason = refusal(admission!, state);
    if (reason !== undefined) {
      skip(run, reason, now);
      continue;
    }
    for (const { scope } of admission!.windows) {
      state.counts.set(scope, (state.counts.get(scope) ?? 0) + 1);
      admitted.scopes.push(scope);
      admitted.runIds.push(run.id);
    }
    const singleton = admission!.singleton;
    if (!singleton) continue;
    const holder = state.holders.get(singleton.scope);
    if (holder !== undefined) replaced.push({ runId: holder, by: run.id });
    state.holders.set(singleton.scope, run.id);
  }
  const held = [...singletons].filter((scope) => state.holders.has(scope));
  if (admitted.scopes.length === 0 && held.length === 0) return replaced;
  await tx.query(statements.recordAdmissions, [
    admitted.scopes,
    admitted.scopes.map(() => now),
    admitted.runIds,
    held,
    held.map((scope) => state.holders.get(scope)),
  ]);
  return replaced;
}

/** The windows' counts (pruned to their periods) and the singleton keys' active holders, in one statement. */
async function readState(
  tx: Transaction,
  periods: Map<string, number>,
  singletons: Set<string>,
  now: number,
): Promise<AdmissionState> {
  const rows = await tx.query<{ scope: string; n: number; holder: string | null }>(
    statements.admissionState,
    [[...periods.keys()], [...periods.values()].map((periodMs) => now - periodMs), [...singletons]],
  );
  const state: AdmissionState = { counts: new Map(), holders: new Map() };
  for (const row of rows) {
    if (row.holder === null) state.counts.set(row.scope, row.n);
    else state.holders.set(row.scope, row.holder);
  }
  return state;
}

/** Why the run may not be created (the first full window, else a held singleton in mode `skip`), if so. */
function refusal(admission: RunAdmission, state: AdmissionState): string | undefined {
  const full = admission.windows.find((window) => (state.counts.get(window.scope) ?? 0) >= window.limit);
  if (full) return full.reason;
  const singleton = admission.singleton;
  const holder = singleton && state.holders.get(singleton.scope);
  if (singleton?.mode === "skip" && holder !== undefined) return singletonSkipReason(holder, singleton.key);
  return undefined;
}

/** The run as flow control stores a skipped one: terminal at `now`, never ready. */
function skip(run: RunRecord, reason: string, now: number): void {
  run.status = "skipped";
  run.skipReason = reason;
  run.endedAt = now;
  delete run.readyAt;
}
