/**
 * GCRA, the Generic Cell Rate Algorithm, used for `throttle`.
 *
 * Source: ATM Forum Traffic Management Specification 4.0 (1996), the "virtual scheduling" form, as
 * explained for request rate limiting in Brandur Leach, "Rate limiting, cells, and GCRA" (2015).
 * One number of state per key, the theoretical arrival time (TAT) of the next conforming request.
 *
 * Parameters here: `emission = periodMs / limit` (one start per emission interval in steady state) and a
 * tolerance of `(limit + burst) * emission`, so from idle `limit + burst` starts conform at once and
 * after that one more every `emission` ms.
 *
 * @module
 */

/** Throttle parameters of one key. `periodMs` in ms; `limit` ≥ 1; `burst` ≥ 0 extra starts from idle. */
export interface GcraParams {
  limit: number;
  periodMs: number;
  burst: number;
}

/** Outcome of {@link gcraTake}: the new TAT to store when allowed, the time it would be allowed otherwise. */
export type GcraDecision = { allowed: true; tat: number } | { allowed: false; retryAt: number };

/** Sub-microsecond slack so float rounding of `periodMs / limit` never turns a due start into a 1 ms wait. */
const EPSILON_MS = 1e-6;

/**
 * Decides whether one start may happen at `now` (ms) for a key whose stored TAT is `tat`
 * (`undefined` = idle). Pure: the caller stores `tat` only when it acts on an allowed decision.
 */
export function gcraTake(tat: number | undefined, now: number, params: GcraParams): GcraDecision {
  const emission = params.periodMs / params.limit;
  const tolerance = emission * (params.limit + params.burst);
  const next = gcraAfterStart(tat, now, params);
  const allowAt = next - tolerance;
  if (allowAt <= now + EPSILON_MS) return { allowed: true, tat: next };
  return { allowed: false, retryAt: Math.ceil(allowAt - EPSILON_MS) };
}

/**
 * The TAT after a start at `at` (ms), whether or not it conformed: how a start that already happened
 * (replayed from the store after a restart) is recorded.
 */
export function gcraAfterStart(tat: number | undefined, at: number, params: GcraParams): number {
  return Math.max(tat ?? at, at) + params.periodMs / params.limit;
}

/**
 * An upper bound of a key's TAT just before a start at `at` (ms), knowing only that every earlier start
 * happened before `windowStart` (ms) and conformed: a conforming start leaves a TAT of at most its time +
 * tolerance, and a start at `at` needed a TAT of at most `at + tolerance − emission`. When the bound is
 * ≤ `at` the key was idle, and a replay from it is exact.
 */
export function gcraTatBound(at: number, windowStart: number, params: GcraParams): number {
  const emission = params.periodMs / params.limit;
  const tolerance = emission * (params.limit + params.burst);
  return Math.min(at + tolerance - emission, windowStart + tolerance);
}

/**
 * The TAT that makes `at` (ms) the earliest conforming start (the inverse of {@link gcraTake}'s `retryAt`):
 * how a decision made elsewhere (a shared store refusing a start until `at`) is taken over locally.
 */
export function gcraTatAllowingAt(at: number, params: GcraParams): number {
  const emission = params.periodMs / params.limit;
  return at + emission * (params.limit + params.burst) - emission;
}
