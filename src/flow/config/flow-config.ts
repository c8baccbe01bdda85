import { ConfigError } from "../../errors/index.js";
import type { CompileExpression } from "../expression.js";
import { normalizeCancelOn, normalizeTimeouts } from "./cancel-config.js";
import { normalizeConcurrency } from "./concurrency-config.js";
import { normalizeRateLimit, normalizeThrottle } from "./rate-config.js";
import { normalizeBatchEvents, normalizeDebounce, normalizeSingleton } from "./schedule-config.js";
import type { FlowConfig, FlowConfigInput } from "./types.js";
import { expressionAt, fieldsOf } from "./validate.js";

/**
 * Validates and normalises every flow-control field of a function config, once, at definition time.
 * Unknown nested fields, out-of-range values, CEL that does not compile and incompatible combinations
 * all throw; nothing is accepted and ignored.
 *
 * @param input the flow fields of the config (other fields are the engine's business).
 * @param compile the CEL compiler; used to check every expression now.
 * @throws ConfigError whose `path` names the field (`"concurrency[1].key"`, `"batchEvents"`).
 */
export function normalizeFlowConfig(input: FlowConfigInput, compile: CompileExpression): FlowConfig {
  const config: FlowConfig = {
    concurrency: normalizeConcurrency(input.concurrency, compile),
    cancelOn: normalizeCancelOn(input.cancelOn, compile),
    timeouts: normalizeTimeouts(input.timeouts),
  };
  const throttle = normalizeThrottle(input.throttle, compile);
  if (throttle) config.throttle = throttle;
  const rateLimit = normalizeRateLimit(input.rateLimit, compile);
  if (rateLimit) config.rateLimit = rateLimit;
  if (input.idempotency !== undefined) {
    config.idempotency = expressionAt(input.idempotency, "idempotency", compile);
  }
  const debounce = normalizeDebounce(input.debounce, compile);
  if (debounce) config.debounce = debounce;
  if (input.priority !== undefined) {
    const fields = fieldsOf(input.priority, "priority", ["run"]);
    config.priority = { run: expressionAt(fields.run, "priority.run", compile) };
  }
  const batchEvents = normalizeBatchEvents(input.batchEvents, compile);
  if (batchEvents) config.batchEvents = batchEvents;
  const singleton = normalizeSingleton(input.singleton, compile);
  if (singleton) config.singleton = singleton;
  checkCombinations(config);
  return config;
}

/**
 * Batching makes one run out of many events, so controls that act per event or need one trigger
 * event (debounce, singleton, cancelOn, priority, rateLimit, idempotency, keyed concurrency) cannot
 * be combined with it (Inngest rejects the same set; it silently ignores a concurrency key, we refuse).
 */
function checkCombinations(config: FlowConfig): void {
  if (!config.batchEvents) return;
  const clashes: string[] = [];
  if (config.debounce) clashes.push("debounce");
  if (config.singleton) clashes.push("singleton");
  if (config.cancelOn.length > 0) clashes.push("cancelOn");
  if (config.priority) clashes.push("priority");
  if (config.rateLimit) clashes.push("rateLimit");
  if (config.idempotency) clashes.push("idempotency");
  if (config.concurrency.some((limit) => limit.key !== undefined)) clashes.push("a concurrency key");
  if (clashes.length > 0) {
    throw new ConfigError("batchEvents", `cannot be combined with ${clashes.join(", ")}; remove one of them`);
  }
}
