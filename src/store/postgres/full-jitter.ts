/**
 * Exponential backoff with full jitter: a delay drawn uniformly from [0, min(maxMs, minMs × 2^attempt)).
 * Source: "Exponential Backoff And Jitter", AWS Architecture Blog (M. Brooker, 2015).
 *
 * @module
 */

/** The delay before retry number `attempt` (0 for the first retry), ms; `random` in [0, 1). */
export function fullJitterMs(minMs: number, maxMs: number, attempt: number, random = Math.random): number {
  return random() * Math.min(maxMs, minMs * 2 ** attempt);
}
