/**
 * A debounced event's rate limit and idempotency decided across workers (`FlowPendingUpdate.admission`), in
 * the accept's transaction, before its flow updates are applied: an event a full window refuses does not
 * join its debounce, and its run is created `skipped` with the window's reason instead, as in one process.
 * See src/store/postgres/ARCHITECTURE.md, "Rate limit, idempotency and singleton at creation".
 *
 * @module
 */
import type { FlowPendingUpdate } from "../flow-pending.js";
import type { AcceptEventsInput, NewRun } from "../store.js";
import { type AdmissionCandidate, admitRuns } from "./admit-runs.js";
import type { Transaction } from "./postgres-database.js";
import { statements } from "./statements.js";

/** What `admitDeferrals` leaves for the rest of the accept. */
export interface AdmittedDeferrals {
  /** `input.flow` without the refused updates, in order. */
  updates: FlowPendingUpdate[];
  /** The refused events' runs, `skipped` with the reason, with their event's index. */
  refused: Array<NewRun & { eventIndex?: number }>;
  /** The admission scopes whose lock `tx` now holds (pass to `admitRuns`). */
  locked: ReadonlySet<string>;
}

/**
 * Decides the admissions of `input.flow`'s updates at `input.now` inside `tx`, in order, and records the
 * admitted ones (under each `refused.run.id`). Lock order: with flow updates, every window scope of the
 * accept (its deferrals' and its runs') is locked here, before the flow keys (`applyFlowUpdatesInTransaction`),
 * and singleton scopes after them (`admitRuns`): windows → flow keys → singletons in every transaction
 * (`suspendRun` locks windows and singletons in one sorted statement: `idempotency:` and `rateLimit:` sort
 * before `singleton:`), so two accepts never deadlock on each other's locks. Round trips: 1 to lock when
 * the accept has flow updates and windows, + 2 (state, record) when a deferral asks for admission.
 */
export async function admitDeferrals(tx: Transaction, input: AcceptEventsInput): Promise<AdmittedDeferrals> {
  const updates = input.flow ?? [];
  const scopes = new Set<string>();
  for (const { admission } of [...updates, ...input.runs])
    for (const window of admission?.windows ?? []) scopes.add(window.scope);
  if (updates.length === 0 || scopes.size === 0) return { updates, refused: [], locked: new Set() };
  await tx.query(statements.lockAdmissionScopes, [[...scopes].sort()]);
  const asking = new Map<FlowPendingUpdate, AdmissionCandidate>();
  for (const update of updates) {
    const { admission } = update;
    if (admission) {
      const run = structuredClone(admission.refused.run);
      asking.set(update, { run, admission: { windows: admission.windows } });
    }
  }
  await admitRuns(tx, [...asking.values()], input.now, scopes);
  const refused: AdmittedDeferrals["refused"] = [];
  const applied: FlowPendingUpdate[] = [];
  for (const update of updates) {
    const candidate = asking.get(update);
    if (candidate?.run.status !== "skipped") {
      applied.push(update);
      continue;
    }
    const entry = { ...update.admission!.refused, run: candidate.run };
    refused.push(update.eventIndex === undefined ? entry : { ...entry, eventIndex: update.eventIndex });
  }
  return { updates: applied, refused, locked: scopes };
}
