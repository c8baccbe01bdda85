/**
 * Validates a per-key limit override against the function it overrides and normalises it (durations in
 * ms). Same ranges as the function config; an override must target a keyed limit the function has.
 *
 * @module
 */
import { ConfigError } from "../../errors/index.js";
import type { LimitOverride } from "../../store/limit-override.js";
import type { CompileExpression } from "../expression.js";
import { MAX_CONCURRENCY_LIMIT } from "./concurrency-config.js";
import { normalizeRateLimit, normalizeThrottle } from "./rate-config.js";
import type { FlowConfig } from "./types.js";
import { type DurationInput, fieldsOf, integerIn } from "./validate.js";

/** What `fairway.limits.set` accepts. Absent fields keep the configured limit for this key. */
export interface LimitOverrideInput {
  /**
   * Runs executing at once for this key value, integer 1–1 000 000; or `{ limit, key }` where `key` is
   * the key expression (CEL source, as written in the config) of the concurrency limit to override —
   * required when the function has two keyed concurrency limits.
   */
  concurrency?: number | { limit: number; key?: string };
  /** Starts per `period` (1s–7d) with `burst` extra from idle (default 0); the function needs a keyed `throttle`. */
  throttle?: { limit: number; period: DurationInput; burst?: number };
  /** Runs per any window of `period` (1s–24h), limit 1–10 000; the function needs a keyed `rateLimit`. */
  rateLimit?: { limit: number; period: DurationInput };
}

/** The override without its write time. */
export type NormalizedLimitOverride = Omit<LimitOverride, "updatedAt">;

/**
 * Checks `input` for the key value `key` of a function whose flow config is `config`.
 *
 * @throws ConfigError naming the field (`concurrency`, `concurrency.key`, `throttle.period`, `key`, …):
 *   a value out of range, an unknown field, an empty override, or a limit the function does not key.
 */
export function normalizeLimitOverride(
  functionId: string,
  key: unknown,
  input: unknown,
  config: FlowConfig,
  compile: CompileExpression,
): NormalizedLimitOverride {
  if (typeof key !== "string" || key === "") {
    throw new ConfigError("key", "must be a non-empty string: the value of the function's limit key", key);
  }
  const fields = fieldsOf(input, "limits", ["concurrency", "throttle", "rateLimit"]);
  const out: NormalizedLimitOverride = { functionId, key };
  if (fields.concurrency !== undefined)
    out.concurrency = concurrencyOverride(fields.concurrency, config, functionId);
  if (fields.throttle !== undefined) {
    if (config.throttle?.key === undefined) throw notKeyed("throttle", functionId);
    fieldsOf(fields.throttle, "throttle", ["limit", "period", "burst"]);
    const { limit, periodMs, burst } = normalizeThrottle(fields.throttle, compile)!;
    out.throttle = { limit, periodMs, burst };
  }
  if (fields.rateLimit !== undefined) {
    if (config.rateLimit?.key === undefined) throw notKeyed("rateLimit", functionId);
    fieldsOf(fields.rateLimit, "rateLimit", ["limit", "period"]);
    const { limit, periodMs } = normalizeRateLimit(fields.rateLimit, compile)!;
    out.rateLimit = { limit, periodMs };
  }
  if (!out.concurrency && !out.throttle && !out.rateLimit) {
    throw new ConfigError("limits", "must set at least one of concurrency, throttle, rateLimit");
  }
  return out;
}

function concurrencyOverride(
  value: unknown,
  config: FlowConfig,
  functionId: string,
): { limit: number; key?: string } {
  const keyed = config.concurrency.filter((limit) => limit.key !== undefined).map((limit) => limit.key!);
  if (keyed.length === 0) throw notKeyed("concurrency", functionId);
  if (typeof value === "number") {
    const limit = integerIn(value, "concurrency", 1, MAX_CONCURRENCY_LIMIT);
    if (keyed.length > 1) throw ambiguous(keyed);
    return { limit };
  }
  const fields = fieldsOf(value, "concurrency", ["limit", "key"]);
  const limit = integerIn(fields.limit, "concurrency.limit", 1, MAX_CONCURRENCY_LIMIT);
  if (fields.key === undefined) {
    if (keyed.length > 1) throw ambiguous(keyed);
    return { limit };
  }
  if (typeof fields.key !== "string" || !keyed.includes(fields.key.trim())) {
    throw new ConfigError(
      "concurrency.key",
      `must name one of the function's concurrency key expressions: ${keyed.map((k) => `"${k}"`).join(", ")}`,
      fields.key,
    );
  }
  return { limit, key: fields.key.trim() };
}

function notKeyed(field: string, functionId: string): ConfigError {
  return new ConfigError(
    field,
    `function "${functionId}" has no keyed ${field} limit; an override changes the limit of one key value, so the function must define ${field} with a key`,
  );
}

function ambiguous(keyed: string[]): ConfigError {
  return new ConfigError(
    "concurrency.key",
    `is required: the function has two keyed concurrency limits (${keyed.map((k) => `"${k}"`).join(", ")}); pass { limit, key } naming one`,
  );
}
