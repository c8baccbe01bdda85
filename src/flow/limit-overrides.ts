/**
 * Per-key limit overrides: the one place where the effective limit of a keyed concurrency limit, throttle
 * or rate limit is looked up. An override raises (or lowers) the limit of one key value of one function,
 * e.g. `user_7` of `deep-research`, without a redeploy; every other key keeps the function's configured
 * limit. The scheduler asks here at every decision (a free slot, a GCRA token), the admission stage for
 * every rate-limit check, so a change applies to the next decision. Pure and in memory: the engine fills
 * it from the store (`Store.listLimitOverrides`) and keeps it current.
 *
 * @module
 */
import type { LimitOverride } from "../store/limit-override.js";
import type { ConcurrencyClaim, ThrottleClaim } from "./queue-item.js";

export type { LimitOverride } from "../store/limit-override.js";

/** Limits of a rate limit: runs per any window of `periodMs`. */
export interface RateLimitParams {
  limit: number;
  periodMs: number;
}

const id = (functionId: string, key: string): string => `${functionId}\u0000${key}`;

export class LimitOverrides {
  readonly #byKey = new Map<string, LimitOverride>();

  /** Number of overrides held. */
  get size(): number {
    return this.#byKey.size;
  }

  /** Replaces every override (start-up, periodic refresh from the store). */
  replaceAll(overrides: readonly LimitOverride[]): void {
    this.#byKey.clear();
    for (const override of overrides) this.set(override);
  }

  set(override: LimitOverride): void {
    this.#byKey.set(id(override.functionId, override.key), override);
  }

  delete(functionId: string, key: string): void {
    this.#byKey.delete(id(functionId, key));
  }

  get(functionId: string, key: string): LimitOverride | undefined {
    return this.#byKey.get(id(functionId, key));
  }

  /** The slots of `claim` that `functionId` allows: the override's for a keyed claim with one, else `claim.limit`. */
  concurrencyLimit(functionId: string, claim: ConcurrencyClaim): number {
    if (this.#byKey.size === 0 || claim.keyValue === undefined) return claim.limit;
    const concurrency = this.#byKey.get(id(functionId, claim.keyValue))?.concurrency;
    if (concurrency === undefined) return claim.limit;
    if (concurrency.key !== undefined && concurrency.key !== claim.keyExpression) return claim.limit;
    return concurrency.limit;
  }

  /** The throttle a start of `functionId` is subject to: `claim` with the override's limits for a keyed throttle. */
  throttle(functionId: string, claim: ThrottleClaim): ThrottleClaim {
    if (this.#byKey.size === 0 || claim.keyValue === undefined) return claim;
    const throttle = this.#byKey.get(id(functionId, claim.keyValue))?.throttle;
    return throttle === undefined ? claim : { ...claim, ...throttle };
  }

  /** The rate limit of key value `key` of `functionId`: the override's, or `configured`. */
  rateLimit(functionId: string, key: string, configured: RateLimitParams): RateLimitParams {
    if (this.#byKey.size === 0) return configured;
    return this.#byKey.get(id(functionId, key))?.rateLimit ?? configured;
  }
}
