import type { CompileExpression } from "../expression.js";
import type { RateLimitConfig, ThrottleConfig } from "./types.js";
import { DAY_MS, durationIn, fieldsOf, integerIn, optionalExpression, SECOND_MS } from "./validate.js";

/** Largest `rateLimit.limit`: the exact sliding window keeps one timestamp per admission in the window. */
export const MAX_RATE_LIMIT = 10_000;
/** Largest `throttle.limit` and `throttle.burst`. */
export const MAX_THROTTLE_LIMIT = 1_000_000;

/**
 * Normalises `throttle { limit, period, burst?, key? }`: limit ≥ 1, period 1s–7d, burst ≥ 0 (default 0).
 *
 * @throws ConfigError naming the field.
 */
export function normalizeThrottle(value: unknown, compile: CompileExpression): ThrottleConfig | undefined {
  if (value === undefined) return undefined;
  const fields = fieldsOf(value, "throttle", ["limit", "period", "burst", "key"]);
  const config: ThrottleConfig = {
    limit: integerIn(fields.limit, "throttle.limit", 1, MAX_THROTTLE_LIMIT),
    periodMs: durationIn(fields.period, "throttle.period", SECOND_MS, 7 * DAY_MS),
    burst: fields.burst === undefined ? 0 : integerIn(fields.burst, "throttle.burst", 0, MAX_THROTTLE_LIMIT),
  };
  const key = optionalExpression(fields.key, "throttle.key", compile);
  return key === undefined ? config : { ...config, key };
}

/**
 * Normalises `rateLimit { limit, period, key? }`: limit 1–10 000, period 1s–24h.
 *
 * @throws ConfigError naming the field.
 */
export function normalizeRateLimit(value: unknown, compile: CompileExpression): RateLimitConfig | undefined {
  if (value === undefined) return undefined;
  const fields = fieldsOf(value, "rateLimit", ["limit", "period", "key"]);
  const config: RateLimitConfig = {
    limit: integerIn(fields.limit, "rateLimit.limit", 1, MAX_RATE_LIMIT),
    periodMs: durationIn(fields.period, "rateLimit.period", SECOND_MS, DAY_MS),
  };
  const key = optionalExpression(fields.key, "rateLimit.key", compile);
  return key === undefined ? config : { ...config, key };
}
