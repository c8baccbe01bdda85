/**
 * Claims with concurrency slots, batched per scope set (`PostgresStore.claimRun` with `slots`). A claim with
 * slots holds its scopes' advisory locks from its lock statement to its COMMIT, so two claims of one scope,
 * from any worker, never overlap: one at a time per scope, each paying BEGIN, lock, admit, COMMIT (a WAL
 * flush) while holding the lock. One claim per transaction capped a function-wide limit at a few hundred
 * starts per second across all workers (24 runs/s with 4 loaded workers in S1, `bench/fairness-workers.ts`).
 *
 * Here the claims of this process wait in memory per scope (`KeyedMutex`), as before; when one's turn
 * comes, it takes every claim queued behind it with the same owner, scopes and limits (up to `maxBatch`)
 * and they leave as ONE transaction: the locks once, then one statement that admits them in queue order
 * while the scopes have room and names the full scope for the rest (`fairway_admit_sets`, `admit-sets.ts`). A
 * claim a batch before it carried does nothing on its turn. So batches grow with load, as the group commit's
 * do, and a claim never waits for a later one.
 *
 * Each caller gets its own outcome: the claimed run, a refusal, or none (not claimable). A batch whose
 * statement fails for good wrote nothing (it is one transaction), so its claims are sent again one by one
 * and only the failing one fails; a retryable `StoreError` fails every claim of the batch (none was told it
 * holds the run).
 *
 * @module
 */
import { StoreError } from "../../errors/index.js";
import type { ThrottleRequest } from "../store.js";
import { KeyedMutex } from "./keyed-mutex.js";

/** One claim: the run, its claimer and lease, as `Store.claimRun` takes them. */
export interface SlotClaim {
  runId: string;
  owner: string;
  /** The claimer's clock when it asked, epoch ms. */
  now: number;
  /** When the lease ends if the claim is decided at `now`, epoch ms. */
  leaseEnd: number;
  /** Whether the next backlogged run of the run's backlog may be claimed in its place (`Store.claimRun`). */
  substitute: boolean;
  /**
   * When it asked, on the store's monotonic clock (ms), if it had to wait for another claim of its scopes in
   * this process; absent when they were free (it is decided at `now` exactly).
   */
  waitingSince?: number;
}

/**
 * `claim`'s `now` and lease end moved by the time it waited for this process's other claims of its scopes,
 * until `at` (the store's monotonic clock, ms, when its turn came): a claim is decided when its turn comes,
 * and its lease runs `leaseMs` from then, never shorter because other claims held the scopes.
 */
export function waited(claim: SlotClaim, at: number): { now: number; leaseEnd: number } {
  const since = claim.waitingSince;
  const wait = since === undefined ? 0 : Math.max(0, Math.floor(at - since));
  return { now: claim.now + wait, leaseEnd: claim.leaseEnd + wait };
}

/**
 * The scopes of a batch (sorted, distinct) and the limit of each, in the same order; with `throttle`, the
 * batch's first starts are also held to that throttle (`claim-throttle.ts`).
 */
export interface SlotScopes {
  scopes: string[];
  limits: number[];
  throttle?: ThrottleRequest;
}

/** The advisory lock keys of a batch, sorted: its slot scopes, and `throttle:<scope>` for its throttle. */
export function lockedScopes({ scopes, throttle }: SlotScopes): string[] {
  return throttle === undefined ? scopes : [...scopes, `throttle:${throttle.scope}`].sort();
}

/** The claims of one scope set in a batch, in the order they were asked. */
export interface SlotClaimSet {
  scopes: SlotScopes;
  claims: SlotClaim[];
}

/**
 * Writes a batch (distinct runs, one owner; several scope sets only without a throttle) in one transaction
 * under every set's locks; the outcome of each claim that has one, by run id. Rejects with the transaction's
 * error (nothing written).
 */
export type WriteSlotClaims<Result> = (sets: SlotClaimSet[]) => Promise<Map<string, Result>>;

interface Pending<Result> {
  claim: SlotClaim;
  /** Set once a batch carries this claim. */
  taken: boolean;
  resolve: (result: Result | undefined) => void;
  reject: (error: unknown) => void;
}

/** The claims queued under one owner × scope set × throttle. */
interface Queue<Result> {
  scopes: SlotScopes;
  owner: string;
  pending: Array<Pending<Result>>;
}

/** Batches this process's claims with slots (see the module doc). */
export class SlotClaimBatches<Result> {
  readonly #mutex = new KeyedMutex();
  /** Claims not carried yet, per owner × scopes × limits × throttle. */
  readonly #queued = new Map<string, Queue<Result>>();

  /**
   * @param write sends one batch.
   * @param maxBatch claims per transaction at most. Default 64.
   */
  constructor(
    private readonly write: WriteSlotClaims<Result>,
    private readonly maxBatch = 64,
  ) {}

  /** Whether a claim under `scopes` now would wait for a batch of this process in flight or queued. */
  busy(scopes: SlotScopes): boolean {
    return this.#mutex.busy(lockedScopes(scopes));
  }

  /** Claims one run under `scopes`; its outcome, or undefined when the run was not claimable. */
  claim(scopes: SlotScopes, claim: SlotClaim): Promise<Result | undefined> {
    const key = JSON.stringify([claim.owner, scopes.scopes, scopes.limits, scopes.throttle ?? null]);
    let queue = this.#queued.get(key);
    if (!queue) {
      queue = { scopes, owner: claim.owner, pending: [] };
      this.#queued.set(key, queue);
    }
    const own = queue;
    return new Promise<Result | undefined>((resolve, reject) => {
      const pending: Pending<Result> = { claim, taken: false, resolve, reject };
      own.pending.push(pending);
      void this.#mutex.run(lockedScopes(scopes), async () => {
        if (pending.taken) return;
        await this.#send(this.#take(key, own));
      });
    });
  }

  /**
   * The batch that leaves on `own`'s turn: its claims, then (without a throttle) the claims of other scope
   * sets of the same owner that share a scope with it — they would wait for this batch anyway — up to
   * `maxBatch` in all, each set's in the order asked.
   */
  #take(key: string, own: Queue<Result>): Array<{ scopes: SlotScopes; batch: Array<Pending<Result>> }> {
    const sets = [{ key, queue: own }];
    if (own.scopes.throttle === undefined) {
      const shared = new Set(own.scopes.scopes);
      for (const [otherKey, queue] of this.#queued) {
        if (queue === own || queue.owner !== own.owner || queue.scopes.throttle !== undefined) continue;
        if (queue.scopes.scopes.some((scope) => shared.has(scope))) sets.push({ key: otherKey, queue });
      }
    }
    let room = this.maxBatch;
    const taken: Array<{ scopes: SlotScopes; batch: Array<Pending<Result>> }> = [];
    for (const { key: setKey, queue } of sets) {
      if (room === 0) break;
      const batch = queue.pending.splice(0, room);
      if (queue.pending.length === 0 && this.#queued.get(setKey) === queue) this.#queued.delete(setKey);
      if (batch.length === 0) continue;
      for (const item of batch) item.taken = true;
      room -= batch.length;
      taken.push({ scopes: queue.scopes, batch });
    }
    return taken;
  }

  async #send(sets: Array<{ scopes: SlotScopes; batch: Array<Pending<Result>> }>): Promise<void> {
    const all = sets.flatMap(({ batch }) => batch);
    try {
      const results = await this.write(
        sets.map(({ scopes, batch }) => ({ scopes, claims: batch.map((item) => item.claim) })),
      );
      for (const item of all) item.resolve(results.get(item.claim.runId));
    } catch (error) {
      const transient = error instanceof StoreError && error.retryable;
      if (transient || all.length === 1) {
        for (const item of all) item.reject(error);
        return;
      }
      for (const { scopes, batch } of sets)
        for (const item of batch) await this.#send([{ scopes, batch: [item] }]);
    }
  }
}
