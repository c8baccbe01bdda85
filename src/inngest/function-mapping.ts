/**
 * Maps a function synced by the Inngest SDK onto a Fairway function config, so its flow control runs on
 * Fairway's scheduler: triggers (`expression` → `if`, cron), `concurrency`, `throttle`, `rateLimit`,
 * `idempotency`, `debounce`, `priority`, `batchEvents`, `singleton`, `cancel` (→ `cancelOn`),
 * `timeouts`, and `steps.step.retries.attempts` (→ `retries`). Inngest's shapes and Fairway's are the
 * same, so values pass through and Fairway's own validation judges them. `checkpoint` only tunes the
 * SDK's own execution (Inngest shows it in its UI) and is not needed here.
 *
 * @module
 */
import type { FunctionConfig, Trigger } from "../engine/function-config.js";
import { normalizeFunctionConfig } from "../engine/function-config.js";
import { ConfigError } from "../errors/index.js";
import { FLOW_CONFIG_FIELDS, type FlowConfigInput } from "../flow/config/types.js";
import { fairwayEventName } from "./internal-events.js";
import type { WireFunction, WireTrigger } from "./wire.js";

/** Flow-control fields that keep their name on the wire (`cancelOn` is sent as `cancel`). */
const FLOW_FIELDS = FLOW_CONFIG_FIELDS.filter((field) => field !== "cancelOn");
const HANDLED = new Set<string>(["id", "name", "triggers", "steps", "cancel", "checkpoint", ...FLOW_FIELDS]);

/** A synced function, ready for `createFunction`: its config and the URL that executes it. */
export interface MappedFunction {
  config: FunctionConfig;
  /** The app's call URL (`steps.step.runtime.url`, with `?fnId=…&stepId=step`). */
  url: string;
}

/**
 * Maps `fn` (the `index`-th function of a sync).
 *
 * @throws ConfigError naming the field as `functions[index].<field>` (with the function id) for what
 *   Fairway cannot run: an unknown field, a cron `jitter`, a trigger on an `inngest/` event Fairway never
 *   sends, a non-HTTP runtime, or any value Fairway's own validation refuses.
 */
export function mapFunction(fn: WireFunction, index: number): MappedFunction {
  const path = `functions[${index}] ("${fn.id}")`;
  try {
    for (const field of Object.keys(fn)) {
      if (!HANDLED.has(field)) {
        throw new ConfigError(field, "is not a function option Fairway can run", (fn as never)[field]);
      }
    }
    const runtime = fn.steps.step.runtime;
    if (runtime.type !== undefined && runtime.type !== "http") {
      throw new ConfigError(
        "steps.step.runtime.type",
        'must be "http" (Connect is not supported)',
        runtime.type,
      );
    }
    const config: FunctionConfig = {
      id: fn.id,
      triggers: fn.triggers.map((trigger, i) => mapTrigger(trigger, `triggers[${i}]`)),
      retries: fn.steps.step.retries?.attempts ?? 4,
    };
    if (fn.name !== undefined) config.name = fn.name;
    const flow = config as FlowConfigInput;
    for (const field of FLOW_FIELDS) {
      const value = (fn as Record<string, unknown>)[field];
      if (value !== undefined && value !== null) (flow as Record<string, unknown>)[field] = value;
    }
    const cancel = (fn as { cancel?: unknown }).cancel;
    if (cancel !== undefined && cancel !== null) flow.cancelOn = cancel as FlowConfigInput["cancelOn"];
    normalizeFunctionConfig(config);
    return { config, url: runtime.url };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const field =
      error.path === "cancelOn" || error.path.startsWith("cancelOn[")
        ? error.path.replace(/^cancelOn/, "cancel")
        : error.path;
    throw new ConfigError(`${path}.${field}`, error.rule);
  }
}

function mapTrigger(trigger: WireTrigger, path: string): Trigger {
  if ("cron" in trigger && typeof trigger.cron === "string") {
    if (trigger.jitter !== undefined) {
      throw new ConfigError(`${path}.jitter`, "cron jitter is not supported; remove it", trigger.jitter);
    }
    return { cron: trigger.cron };
  }
  const { event, expression } = trigger as { event: string; expression?: string };
  const name = fairwayEventName(event);
  if (name === undefined) {
    throw new ConfigError(
      `${path}.event`,
      "is an internal Inngest event Fairway does not send (supported: inngest/function.failed, inngest/function.invoked, inngest/scheduled.timer)",
      event,
    );
  }
  return expression === undefined ? { event: name } : { event: name, if: expression };
}
