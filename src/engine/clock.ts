/**
 * The engine's source of time. Everything time-dependent in the engine (timestamps, sleeps, timeouts,
 * retries, leases, cron) reads this clock, so tests can inject `FakeClock` from `fairway-agents/testing`.
 *
 * @module
 */

/** An opaque timer handle returned by `Clock.setTimeout`. */
export type TimerHandle = unknown;

/** Time in ms since the epoch, and one-shot timers on the same time line. */
export interface Clock {
  now(): number;
  /** Calls `callback` once, `ms` milliseconds from now on this clock. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Optional, for a clock that moves time itself (`FakeClock`): each engine on the clock registers its idle
   * point (`fairway.idle`), which the clock awaits after each timer it fires, so the engine reacts to one
   * timer before the next fires. Returns the function that unregisters it (called by `fairway.close()`).
   */
  registerIdle?(idle: () => Promise<void>): () => void;
}

/**
 * The wall clock (`Date.now`, Node timers). Its timers keep the process alive, so an app with sleeping runs
 * or cron triggers stays up until `fairway.close()`.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    return setTimeout(callback, Math.max(0, Math.min(ms, 2_147_483_647)));
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
