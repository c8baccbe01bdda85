/**
 * Exact sliding-window rate limit, used for `rateLimit`: at most `limit` admissions in ANY window of
 * `periodMs`. The state of a key is the sorted list of its admission times still inside the window
 * (at most `limit` of them). Unlike Inngest's GCRA rate limit (which spreads `limit` evenly over the
 * period, so `limit: 5, period: "24h"` admits about one every 4.8 h), `limit` admissions may happen at
 * once and the next one is admitted as soon as the oldest leaves the window.
 *
 * @module
 */

/** Outcome of {@link slidingWindowTake}. `log` is the state to store after an admission. */
export type SlidingWindowDecision =
  | { allowed: true; log: number[] }
  | { allowed: false; retryAt: number; log: number[] };

/**
 * Admits one request at `now` (ms) if fewer than `limit` admissions in `log` are newer than
 * `now - periodMs`. Pure; O(log limit) to find the window start plus O(limit) to copy the state.
 */
export function slidingWindowTake(
  log: readonly number[],
  now: number,
  limit: number,
  periodMs: number,
): SlidingWindowDecision {
  const inWindow = log.slice(firstAfter(log, now - periodMs));
  if (inWindow.length < limit) {
    inWindow.push(now);
    return { allowed: true, log: inWindow };
  }
  const oldestThatCounts = inWindow[inWindow.length - limit]!;
  return { allowed: false, retryAt: oldestThatCounts + periodMs, log: inWindow };
}

/** Index of the first time strictly greater than `cutoff` in the ascending `log`. */
function firstAfter(log: readonly number[], cutoff: number): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (log[mid]! > cutoff) high = mid;
    else low = mid + 1;
  }
  return low;
}
