/**
 * Evaluates, once when a run is scheduled, every flow-control key and the priority of a function's
 * config for the run's event, and turns them into what the scheduler needs (concurrency claims, a
 * throttle claim, the backlog label) and what the schedule-time controls need (rate-limit,
 * idempotency, debounce, batch and singleton keys). Never throws: keys follow the null-key rule of
 * `keys.ts` and every fallback adds a warning for the run.
 *
 * The values that outlive admission are stored on the run ({@link StoredRunKeys}); a run read back from
 * the store gets its keys from them, and only a value the stored run lacks is evaluated (once, from its
 * event): a run stored by a version before stored keys, or a control added to the function since.
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

/**
 * The key values of a run that flow control needs after admission, as the engine stores them on the run
 * (`RunRecord.flowKeys`; SQLite and PostgreSQL column `flow_keys`, JSON), each evaluated once, at
 * admission, under the null-key rule. A key field is absent when its control was not configured then;
 * `priority` is always written, so a run without `flowKeys` was stored before keys were stored.
 * Concurrency key values are stored beside it, in `RunRecord.concurrencyKeys` (config order).
 */
export interface StoredFlowKeys {
  /** The `throttle.key` value (`""` for an unkeyed throttle). */
  throttle?: string;
  /** The `rateLimit.key` value (`""` for an unkeyed rate limit). */
  rateLimit?: string;
  /** The `idempotency` key value. */
  idempotency?: string;
  /** The `singleton.key` value (`""` for an unkeyed singleton). */
  singleton?: string;
  /** Seconds, clamped (see `evaluatePriority`); 0 without `priority`. */
  priority?: number;
}

/** What a run read back from the store carries of its keys: both parts as stored, either may be absent. */
export interface StoredRunKeys {
  /** The concurrency key values in config order (`""` for a limit without key). */
  concurrencyKeys?: readonly string[];
  flowKeys?: StoredFlowKeys;
}

/** The part of `keys` that is stored on the run (see {@link StoredFlowKeys}). */
export function storedFlowKeys(keys: RunFlowKeys): StoredFlowKeys {
  const stored: StoredFlowKeys = { priority: keys.priority };
  if (keys.throttle) stored.throttle = keys.throttle.keyValue ?? "";
  if (keys.rateLimitKey !== undefined) stored.rateLimit = keys.rateLimitKey;
  if (keys.idempotencyKey !== undefined) stored.idempotency = keys.idempotencyKey;
  if (keys.singletonKey !== undefined) stored.singleton = keys.singletonKey;
  return stored;
}

/** Where the run is: its function id and the Fairway app id (the `env` scope). */
export interface RunScope {
  functionId: string;
  appId: string;
}

/**
 * The keys of `config` for a run with trigger `event`. Keys without an expression are `""` (one per
 * function). `stored` (a run read back from the store): the values stored on the run, used as they are;
 * only the ones it lacks are evaluated (all concurrency keys when their number differs from the config's),
 * and debounce and batch keys are not (they served the run's creation). Warnings are those of this call's
 * evaluations.
 */
export function evaluateRunKeys(
  config: FlowConfig,
  scope: RunScope,
  event: unknown,
  compile: CompileExpression,
  stored?: StoredRunKeys,
): RunFlowKeys {
  const warnings: string[] = [];
  const known = stored?.flowKeys ?? {};
  const keyOf = (source: string | undefined, path: string, value?: string): string => {
    if (value !== undefined) return value;
    if (source === undefined) return "";
    const result = evaluateKey(compile, source, event, path);
    if (result.warning !== undefined) warnings.push(result.warning);
    return result.value;
  };
  const storedConcurrency =
    stored?.concurrencyKeys?.length === config.concurrency.length ? stored.concurrencyKeys : undefined;
  const concurrencyKeys = config.concurrency.map((limit, index) =>
    keyOf(limit.key, `concurrency[${index}].key`, storedConcurrency?.[index]),
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
    const value = keyOf(config.throttle.key, "throttle.key", known.throttle);
    const id = config.throttle.key === undefined ? scope.functionId : `${scope.functionId}:${value}`;
    keys.throttle = { id, limit, periodMs, burst };
    if (config.throttle.key !== undefined) keys.throttle.keyValue = value;
    if (labelAt < 0) keys.key = value;
  }
  if (config.rateLimit) keys.rateLimitKey = keyOf(config.rateLimit.key, "rateLimit.key", known.rateLimit);
  if (config.idempotency) keys.idempotencyKey = keyOf(config.idempotency, "idempotency", known.idempotency);
  // Debounce and batch keys matter only at admission (a run read back was created by them already).
  if (config.debounce && !stored) keys.debounceKey = keyOf(config.debounce.key, "debounce.key");
  if (config.batchEvents && !stored) keys.batchKey = keyOf(config.batchEvents.key, "batchEvents.key");
  if (config.singleton) keys.singletonKey = keyOf(config.singleton.key, "singleton.key", known.singleton);
  if (known.priority !== undefined) keys.priority = known.priority;
  else if (config.priority) {
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
