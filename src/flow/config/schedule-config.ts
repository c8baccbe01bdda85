import type { CompileExpression } from "../expression.js";
import type { BatchEventsConfig, DebounceConfig, SingletonConfig } from "./types.js";
import { DAY_MS, durationIn, fieldsOf, integerIn, oneOf, optionalExpression, SECOND_MS } from "./validate.js";

/** Largest `batchEvents.maxSize`. */
export const MAX_BATCH_SIZE = 1000;

/**
 * Normalises `debounce { period, key?, timeout? }`: period 1s–7d, timeout 1s–7d.
 *
 * @throws ConfigError naming the field.
 */
export function normalizeDebounce(value: unknown, compile: CompileExpression): DebounceConfig | undefined {
  if (value === undefined) return undefined;
  const fields = fieldsOf(value, "debounce", ["period", "key", "timeout"]);
  const config: DebounceConfig = {
    periodMs: durationIn(fields.period, "debounce.period", SECOND_MS, 7 * DAY_MS),
  };
  if (fields.timeout !== undefined) {
    config.timeoutMs = durationIn(fields.timeout, "debounce.timeout", SECOND_MS, 7 * DAY_MS);
  }
  const key = optionalExpression(fields.key, "debounce.key", compile);
  if (key !== undefined) config.key = key;
  return config;
}

/**
 * Normalises `batchEvents { maxSize, timeout, key?, if? }`: maxSize 2–1000, timeout 1s–60s.
 *
 * @throws ConfigError naming the field.
 */
export function normalizeBatchEvents(
  value: unknown,
  compile: CompileExpression,
): BatchEventsConfig | undefined {
  if (value === undefined) return undefined;
  const fields = fieldsOf(value, "batchEvents", ["maxSize", "timeout", "key", "if"]);
  const config: BatchEventsConfig = {
    maxSize: integerIn(fields.maxSize, "batchEvents.maxSize", 2, MAX_BATCH_SIZE),
    timeoutMs: durationIn(fields.timeout, "batchEvents.timeout", SECOND_MS, 60 * SECOND_MS),
  };
  const key = optionalExpression(fields.key, "batchEvents.key", compile);
  if (key !== undefined) config.key = key;
  const condition = optionalExpression(fields.if, "batchEvents.if", compile);
  if (condition !== undefined) config.if = condition;
  return config;
}

/**
 * Normalises `singleton { key?, mode }`; `mode` is `"skip"` or `"cancel"`.
 *
 * @throws ConfigError naming the field.
 */
export function normalizeSingleton(value: unknown, compile: CompileExpression): SingletonConfig | undefined {
  if (value === undefined) return undefined;
  const fields = fieldsOf(value, "singleton", ["key", "mode"]);
  const mode = oneOf(fields.mode, "singleton.mode", ["skip", "cancel"] as const);
  const key = optionalExpression(fields.key, "singleton.key", compile);
  return key === undefined ? { mode } : { mode, key };
}
