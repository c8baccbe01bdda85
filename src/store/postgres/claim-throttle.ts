/**
 * The throttle of a claim (`claimRun`'s `throttle`), decided in the claim's transaction across workers:
 * GCRA (`src/flow/gcra.ts`, the same function one process uses) on the TAT stored per throttle scope
 * (table `throttles`, migration 9), read under the scope's advisory lock with the run row locked.
 *
 * @module
 */
import { gcraTake } from "../../flow/gcra.js";
import type { ThrottleRequest } from "../store.js";
import type { Transaction } from "./postgres-database.js";
import { statements } from "./statements.js";

/** A first start that conforms (store `tat` with the claim) or does not (it would at `retryAt`, ms). */
export type ThrottledStart = { conforms: true; tat: number } | { conforms: false; retryAt: number };

/**
 * Whether the run's start at `now` (ms) by `owner` conforms to `throttle`; `undefined` when no throttle
 * applies: the run has started before (a resume), or `owner` may not claim it now (the claim then finds
 * nothing to claim, as without a throttle). Call inside the
 * claim's transaction, under the throttle scope's lock; it locks the run row (`FOR UPDATE`), so whether it
 * is a first start cannot change before the claim.
 */
export async function throttledStart(
  tx: Transaction,
  runId: string,
  owner: string,
  now: number,
  throttle: ThrottleRequest,
): Promise<ThrottledStart | undefined> {
  const [row] = await tx.query<{ started_at: number | null; tat: number | null }>(statements.throttleState, [
    runId,
    throttle.scope,
    now,
    owner,
  ]);
  if (!row || row.started_at !== null) return undefined;
  const decision = gcraTake(row.tat ?? undefined, now, throttle);
  return decision.allowed
    ? { conforms: true, tat: decision.tat }
    : { conforms: false, retryAt: decision.retryAt };
}
