/**
 * Keyed exact sliding-window limiter (in memory): `rateLimit` with its own limit and period, and
 * `idempotency` as a limit of 1 per 24 h. Keys whose window has emptied are forgotten, so memory
 * follows the keys active within one period, not all keys ever seen.
 *
 * @module
 */
import { FifoQueue } from "./fifo-queue.js";
import type { RateLimitParams } from "./limit-overrides.js";
import { slidingWindowTake } from "./sliding-window.js";

/** Decision of {@link WindowLimiter.take}; `retryAt` (ms) is when the key will admit again. */
export type WindowDecision = { allowed: true } | { allowed: false; retryAt: number };

export class WindowLimiter {
  readonly #limit: number;
  readonly #periodMs: number;
  readonly #logs = new Map<string, number[]>();
  /** Keys in admission order with the time their newest admission leaves the window. */
  readonly #expiries = new FifoQueue<{ key: string; at: number; periodMs: number }>();

  /** `limit` admissions per key in any window of `periodMs` (half-open: `(t − periodMs, t]`). */
  constructor(limit: number, periodMs: number) {
    this.#limit = limit;
    this.#periodMs = periodMs;
  }

  /**
   * Whether `key` would be admitted at `now` (ms), without recording anything: lets the caller check
   * every control first and {@link take} only for a run it really creates. `override` replaces the
   * limiter's limit and period for this key (a per-key limit override). O(log limit).
   */
  check(key: string, now: number, override?: RateLimitParams): WindowDecision {
    const { limit, periodMs } = override ?? { limit: this.#limit, periodMs: this.#periodMs };
    const decision = slidingWindowTake(this.#logs.get(key) ?? [], now, limit, periodMs);
    return decision.allowed ? { allowed: true } : { allowed: false, retryAt: decision.retryAt };
  }

  /** Admits one request of `key` at `now` (ms) or says when it could; `override` as in {@link check}. O(limit) worst case. */
  take(key: string, now: number, override?: RateLimitParams): WindowDecision {
    this.#forget(now);
    const { limit, periodMs } = override ?? { limit: this.#limit, periodMs: this.#periodMs };
    const decision = slidingWindowTake(this.#logs.get(key) ?? [], now, limit, periodMs);
    this.#logs.set(key, decision.log);
    if (!decision.allowed) return { allowed: false, retryAt: decision.retryAt };
    this.#expiries.push({ key, at: now + periodMs, periodMs });
    return { allowed: true };
  }

  /**
   * Takes back one admission of `key` recorded at `at` (ms) by {@link take}: the run it admitted was never
   * created (a store decided otherwise, or dropped it). Nothing happens when no such admission is kept.
   */
  untake(key: string, at: number): void {
    const log = this.#logs.get(key);
    const index = log?.lastIndexOf(at) ?? -1;
    if (index < 0) return;
    log!.splice(index, 1);
    if (log!.length === 0) this.#logs.delete(key);
  }

  /** Number of keys with admissions still inside their window (for tests and stats). */
  get keyCount(): number {
    return this.#logs.size;
  }

  #forget(now: number): void {
    for (let budget = 4; budget > 0; budget--) {
      const oldest = this.#expiries.peek();
      if (oldest === undefined || oldest.at > now) return;
      this.#expiries.shift();
      const log = this.#logs.get(oldest.key);
      const newest = log?.[log.length - 1];
      if (newest !== undefined && newest + oldest.periodMs <= now) this.#logs.delete(oldest.key);
    }
  }
}
