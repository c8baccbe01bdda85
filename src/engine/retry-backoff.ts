/**
 * Delay before the next attempt of a failed step or handler. Table and jitter follow Inngest's
 * `TableBackoff` (pkg/backoff): 15s, 30s, 1m, 2m, 5m, 10m, 20m, 40m, 1h, 2h (then 2h), plus 0–30 s of
 * uniform jitter. `RetryAfterError` replaces the table with its own delay, clamped to 1 s – 24 h.
 * Both are multiplied by `scale` (the engine's `retryBackoffScale`, default 1) so tests can shrink them.
 *
 * @module
 */
import ms from "ms";
import { RetryAfterError } from "../errors/index.js";

const TABLE_MS = [15, 30, 60, 120, 300, 600, 1200, 2400, 3600, 7200].map((seconds) => seconds * 1000);
const JITTER_MS = 30_000;
const MIN_RETRY_AFTER_MS = 1000;
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Delay in ms after failed attempt `attempt` (0-based) with `error`.
 * `random` returns [0, 1) for the jitter; `now` resolves a RetryAfterError's Date.
 */
export function retryDelayMs(
  attempt: number,
  error: unknown,
  scale: number,
  now: number,
  random: () => number,
) {
  if (RetryAfterError.isInstance(error) && error instanceof RetryAfterError) {
    return Math.round(clamp(retryAfterMs(error.retryAfter, now)) * scale);
  }
  const base = TABLE_MS[Math.min(attempt, TABLE_MS.length - 1)] as number;
  return Math.round((base + random() * JITTER_MS) * scale);
}

function retryAfterMs(value: number | string | Date, now: number): number {
  if (value instanceof Date) return value.getTime() - now;
  if (typeof value === "number") return value;
  const parsed = ms(value as never) as unknown;
  return typeof parsed === "number" && Number.isFinite(parsed) ? parsed : MIN_RETRY_AFTER_MS;
}

function clamp(delay: number): number {
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, Number.isFinite(delay) ? delay : 0));
}

/** First delay before retrying an execution abandoned by a store error, ms. */
const ABANDON_BASE_MS = 1000;
/** Longest delay before retrying an abandoned execution, ms. */
const ABANDON_MAX_MS = 60_000;

/**
 * Delay in ms before a run whose execution was abandoned by a store error is claimed again, after
 * `failures` (≥ 1) abandonments in a row: 1 s, 2 s, 4 s … capped at 60 s. No jitter, no scale: it waits for
 * the store, not for the step (an abandonment is not an attempt of the step). A server's client whose start
 * failed tries again after the same pauses (`src/server/client-starter.ts`).
 */
export function abandonDelayMs(failures: number): number {
  return Math.min(ABANDON_MAX_MS, ABANDON_BASE_MS * 2 ** Math.max(0, failures - 1));
}

/** First pause before a scope whose claim the store refused is offered again, ms. */
const REFUSED_BASE_MS = 20;
/** Longest pause before a refused scope is offered again, ms. */
const REFUSED_MAX_MS = 1000;

/**
 * Pause in ms before runs of a concurrency scope whose slots other processes hold are offered again, after
 * `refusals` (≥ 1) refusals in a row: 20 ms, 40 ms … capped at 1 s. A local end in the scope (or an admitted
 * claim, which resets the count) comes first when it does.
 */
export function refusedClaimDelayMs(refusals: number): number {
  return Math.min(REFUSED_MAX_MS, REFUSED_BASE_MS * 2 ** Math.max(0, refusals - 1));
}
