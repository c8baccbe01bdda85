/**
 * The throttle of a batch of claims (`claimRun`'s `throttle`), decided in the claims' transaction across
 * workers: GCRA (`src/flow/gcra.ts`, the same function one process uses) on the TAT stored per throttle scope
 * (table `throttles`, migration 9), read under the scope's advisory lock with the run rows locked, applied
 * to the batch's first starts in order, as one process takes them one after another.
 *
 * @module
 */
import { gcraTake } from "../../flow/gcra.js";
import type { ThrottleRequest } from "../store.js";
import type { Transaction } from "./postgres-database.js";
import { statements } from "./statements.js";

/** The throttle's decision on a batch of claims. */
export interface ThrottledStarts {
  /** The runs to claim, in the batch's order: the first starts that conform and every other run. */
  claim: string[];
  /** The first starts that do not conform, each with the time (ms) it would. */
  refused: Map<string, number>;
  /** `tats[k − 1]`: the TAT after the first `k` conforming starts of `claim` (stored with the claim of `k`). */
  tats: number[];
}

/**
 * GCRA on the first starts among `runIds` (in order) at `now` (ms) by `owner`: each that conforms advances
 * the TAT for the next; one that does not is refused with the time it would conform (and so are the first
 * starts after it: the TAT they see is the same). A run that has started before (a resume) or that `owner`
 * may not claim now is not throttled (the claim then resumes it, or finds nothing, as without a throttle).
 * Call inside the claims' transaction, under the throttle scope's lock; it locks the run rows (`FOR UPDATE`,
 * in id order), so whether each is a first start cannot change before the claim.
 */
export async function throttledStarts(
  tx: Transaction,
  runIds: string[],
  owner: string,
  now: number,
  throttle: ThrottleRequest,
): Promise<ThrottledStarts> {
  const rows = await tx.query<{ id: string; started_at: number | null; tat: number | null }>(
    statements.throttleStates,
    [runIds, throttle.scope, now, owner],
  );
  const firstStarts = new Set(rows.filter((row) => row.started_at === null).map((row) => row.id));
  let tat = rows[0]?.tat ?? undefined;
  const starts: ThrottledStarts = { claim: [], refused: new Map(), tats: [] };
  for (const runId of runIds) {
    if (!firstStarts.has(runId)) {
      starts.claim.push(runId);
      continue;
    }
    const decision = gcraTake(tat, now, throttle);
    if (!decision.allowed) {
      starts.refused.set(runId, decision.retryAt);
      continue;
    }
    tat = decision.tat;
    starts.tats.push(tat);
    starts.claim.push(runId);
  }
  return starts;
}
