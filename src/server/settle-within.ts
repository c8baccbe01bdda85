import type { Clock } from "../engine/clock.js";

/**
 * `{ value }` once `promise` fulfils, or `undefined` when `ms` pass first on `clock` (its timer is cleared
 * when the promise wins). `promise` must not reject: it is not awaited after the time is up, and a rejection
 * would go unhandled.
 */
export function settleWithin<T>(
  promise: Promise<T>,
  ms: number,
  clock: Clock,
): Promise<{ value: T } | undefined> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(undefined), ms);
    void promise.then((value) => {
      clock.clearTimeout(timer);
      resolve({ value });
    });
  });
}
