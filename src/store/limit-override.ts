/**
 * Per-key limit overrides as stored (Store contract, type-only): one row per function × key value, written
 * by `fairway.limits.set` and read by every worker, so a tier change needs no redeploy and survives a
 * restart. Semantics: `src/flow/limit-overrides.ts`.
 *
 * @module
 */

/**
 * One override, normalised (durations in ms). Absent fields keep the function's configured limit.
 * `concurrency.key` names the key expression of the concurrency limit it replaces (required when the
 * function has two keyed concurrency limits); without it the override applies to the keyed limit whose
 * value is `key`.
 */
export interface LimitOverride {
  functionId: string;
  /** The key value (what the function's key expression evaluates to, e.g. a user id). */
  key: string;
  /** Runs executing at once for this key value, integer ≥ 1. */
  concurrency?: { limit: number; key?: string };
  /** Starts per `periodMs` with `burst` extra from idle (GCRA). */
  throttle?: { limit: number; periodMs: number; burst: number };
  /** Runs per any window of `periodMs`. */
  rateLimit?: { limit: number; periodMs: number };
  /** When it was written (ms on the engine clock). */
  updatedAt: number;
}
