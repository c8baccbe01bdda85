/**
 * Evaluates, once when a run is scheduled, every flow-control key and the priority of a function's
 * config for the run's event, and turns them into what the scheduler needs (concurrency claims, a
 * throttle claim, the backlog label) and what the schedule-time controls need (rate-limit,
 * idempotency, debounce, batch and singleton keys). Never throws: keys follow the null-key rule of
 * `keys.ts` and every fallback adds a warning for the run.
 *
 * @module
 */
import type { FlowConfig } from "./config/types.js";
import type { CompileExpression } from "./expression.js";
import { evaluateKey } from "./keys.js";
import { evaluatePriority } from "./priority.js";
import type { ConcurrencyClaim, ThrottleClaim } from "./queue-item.js";

/** The keys of one run. Key fields are absent when the control is not configured. */
export interface RunFlowKeys {
  claims: ConcurrencyClaim[];
  throttle?: ThrottleClaim;
  /** Backlog label: the first keyed concurrency value, else the throttle key value, else `""`. */
  key: string;
  /** The evaluated concurrency key values, in config order (`""` for a limit without key). */
  concurrencyKeys: string[];
  /** Seconds, clamped; 0 without `priority`. */
  priority: number;
  rateLimitKey?: string;
  idempotencyKey?: string;
  debounceKey?: string;
  batchKey?: string;
  singletonKey?: string;
  /** Key and priority fallbacks, each naming the field. */
  warnings: string[];
}

/** Where the run is: its function id and the Fairway app id (the `env` scope). */
export interface RunScope {
  functionId: string;
  appId: string;
}

/** Evaluates the keys of `config` for `event`. Keys without an expression are `""` (one per function). */
export function evaluateRunKeys(
  config: FlowConfig,
  scope: RunScope,
  event: unknown,
  compile: CompileExpression,
): RunFlowKeys {
  const warnings: string[] = [];
  const keyOf = (source: string | undefined, path: string): string => {
    if (source === undefined) return "";
    const result = evaluateKey(compile, source, event, path);
    if (result.warning !== undefined) warnings.push(result.warning);
    return result.value;
  };
  const concurrencyKeys = config.concurrency.map((limit, index) =>
    keyOf(limit.key, `concurrency[${index}].key`),
  );
  const claims = config.concurrency.map((limit, index): ConcurrencyClaim => {
    const value = concurrencyKeys[index]!;
    const claim: ConcurrencyClaim = { id: claimId(scope, limit.scope, limit.key, value), limit: limit.limit };
    if (limit.key !== undefined) {
      claim.keyExpression = limit.key;
      claim.keyValue = value;
    }
    return claim;
  });
  const keys: RunFlowKeys = { claims, key: "", concurrencyKeys, priority: 0, warnings };
  const labelAt = config.concurrency.findIndex((limit) => limit.key !== undefined);
  if (labelAt >= 0) keys.key = concurrencyKeys[labelAt]!;
  if (config.throttle) {
    const { limit, periodMs, burst } = config.throttle;
    const value = keyOf(config.throttle.key, "throttle.key");
    const id = config.throttle.key === undefined ? scope.functionId : `${scope.functionId}:${value}`;
    keys.throttle = { id, limit, periodMs, burst };
    if (config.throttle.key !== undefined) keys.throttle.keyValue = value;
    if (labelAt < 0) keys.key = value;
  }
  if (config.rateLimit) keys.rateLimitKey = keyOf(config.rateLimit.key, "rateLimit.key");
  if (config.idempotency) keys.idempotencyKey = keyOf(config.idempotency, "idempotency");
  if (config.debounce) keys.debounceKey = keyOf(config.debounce.key, "debounce.key");
  if (config.batchEvents) keys.batchKey = keyOf(config.batchEvents.key, "batchEvents.key");
  if (config.singleton) keys.singletonKey = keyOf(config.singleton.key, "singleton.key");
  if (config.priority) {
    const result = evaluatePriority(compile, config.priority.run, event);
    keys.priority = result.seconds;
    if (result.warning !== undefined) warnings.push(result.warning);
  }
  return keys;
}

/**
 * Canonical slot key of a concurrency limit: `fn:<fn>` (no key), `fn:<fn>:<expr>=<value>`,
 * `env:<app>:<value>` (shared by the app's functions), `account:<value>` (shared by every app on the store).
 */
function claimId(scope: RunScope, limitScope: string, source: string | undefined, value: string): string {
  if (limitScope === "env") return `env:${scope.appId}:${value}`;
  if (limitScope === "account") return `account:${value}`;
  return source === undefined ? `fn:${scope.functionId}` : `fn:${scope.functionId}:${source}=${value}`;
}
