/**
 * Concurrency slot accounting for the scheduler: slots in use per claim id, which claims each running
 * run holds, and the backlogs parked on each full claim in a heap (resume-headed first, then least
 * recently served), so parked backlogs are served in turn.
 *
 * @module
 */
import { type Backlog, wakesBefore } from "./backlog.js";
import { Heap } from "./heap.js";
import type { LimitOverrides } from "./limit-overrides.js";
import type { ConcurrencyClaim } from "./queue-item.js";

/** What a running run holds. */
export interface Holding {
  claims: readonly ConcurrencyClaim[];
  backlog: Backlog;
}

export class SlotTable {
  readonly #used = new Map<string, number>();
  readonly #held = new Map<string, Holding>();
  readonly #waiters = new Map<string, Heap<Backlog>>();
  /** Claims another process holds full (a store refused a claim): full here too until unblocked. */
  readonly #blocked = new Set<string>();
  #parks = 0;

  /** `limits`: where the effective limit of a keyed claim is looked up (overrides). */
  constructor(private readonly limits: LimitOverrides) {}

  /** Slots of `claimId` in use. */
  used(claimId: string): number {
    return this.#used.get(claimId) ?? 0;
  }

  /** The first claim of a `functionId` run without a free slot (overrides applied), or `undefined` when every claim has room. */
  fullClaim(functionId: string, claims: readonly ConcurrencyClaim[]): ConcurrencyClaim | undefined {
    return claims.find(
      (claim) =>
        this.#blocked.has(claim.id) || this.used(claim.id) >= this.limits.concurrencyLimit(functionId, claim),
    );
  }

  /** Treats `claimId` as full until {@link unblock} (its slots are held elsewhere). */
  block(claimId: string): void {
    this.#blocked.add(claimId);
  }

  /** Ends a {@link block}; true if the claim was blocked. */
  unblock(claimId: string): boolean {
    return this.#blocked.delete(claimId);
  }

  /** Claim ids with parked backlogs. */
  parkedClaims(): string[] {
    return [...this.#waiters.keys()];
  }

  isHeld(runId: string): boolean {
    return this.#held.has(runId);
  }

  acquire(runId: string, holding: Holding): void {
    for (const claim of holding.claims) this.#used.set(claim.id, this.used(claim.id) + 1);
    this.#held.set(runId, holding);
  }

  /** `to` holds what `from` held (same claims, same backlog); nothing if `from` held nothing. */
  transfer(from: string, to: string): void {
    const holding = this.#held.get(from);
    if (holding === undefined) return;
    this.#held.delete(from);
    this.#held.set(to, holding);
  }

  /** Frees the run's slots; returns what it held (`undefined` if it held none). */
  release(runId: string): Holding | undefined {
    const holding = this.#held.get(runId);
    if (holding === undefined) return undefined;
    this.#held.delete(runId);
    for (const claim of holding.claims) {
      const left = this.used(claim.id) - 1;
      if (left > 0) this.#used.set(claim.id, left);
      else this.#used.delete(claim.id);
    }
    return holding;
  }

  /** Parks `backlog` on the full claim `claimId` until a slot of it is released. */
  park(claimId: string, backlog: Backlog): void {
    let waiters = this.#waiters.get(claimId);
    if (waiters === undefined) {
      waiters = new Heap(wakesBefore);
      this.#waiters.set(claimId, waiters);
    }
    backlog.parkedOn = claimId;
    backlog.parkedResume = backlog.head()?.kind === "resume";
    this.#parks += 1;
    backlog.parkSeq = this.#parks;
    backlog.parkEntry = waiters.push(backlog);
  }

  /** Takes a backlog out of its waiter heap (it emptied, or it is woken). */
  unpark(backlog: Backlog): void {
    if (backlog.parkEntry === undefined) return;
    const waiters = this.#waiters.get(backlog.parkedOn);
    waiters?.remove(backlog.parkEntry);
    if (waiters?.size === 0) this.#waiters.delete(backlog.parkedOn);
    backlog.parkEntry = undefined;
  }

  /** The parked backlog of `claimId` to wake first, still parked; `undefined` when none. */
  firstWaiter(claimId: string): Backlog | undefined {
    return this.#waiters.get(claimId)?.peek();
  }
}
