/**
 * Function definitions: the one place where `createFunction` config is validated and normalized.
 * Flow control (issue 3) adds its fields here: extend `FunctionConfig`, `NormalizedFunctionConfig` and
 * `KNOWN_FIELDS`, and normalize in `normalizeFunctionConfig`. Fields nobody handles are a ConfigError:
 * nothing is accepted and silently ignored.
 *
 * @module
 */
import { ConfigError } from "../errors/index.js";
import { type CompiledExpression, compileExpression } from "../expr/cel.js";
import { compileCel } from "../flow/cel-compile.js";
import { EVENT_NAME_RULE, isEventName } from "../flow/config/event-name.js";
import { normalizeFlowConfig } from "../flow/config/flow-config.js";
import { FLOW_CONFIG_FIELDS, type FlowConfig, type FlowConfigInput } from "../flow/config/types.js";
import { parseCron } from "./cron.js";
import type { Handler } from "./types.js";

/** A trigger: an event name with an optional CEL filter over `event`, or a cron schedule. */
export type Trigger = { event: string; if?: string } | { cron: string };

/** What `createFunction` accepts. */
export interface FunctionConfig extends FlowConfigInput {
  /** Stable slug: letters, digits, `-`, `_`, `.`, `/`; 1–128 chars. */
  id: string;
  /** Display name. @default the id */
  name?: string;
  /** 1–10 triggers (only in the `createFunction({ id, triggers, ... }, handler)` form). */
  triggers?: Trigger | readonly Trigger[];
  /** Retries per step (and for errors outside steps): 0–20. @default 4 */
  retries?: number;
  /** Runs once after a run of this function fails for good, with event `fairway/function.failed`. */
  onFailure?: Handler;
}

/** A trigger after validation; `if` compiled once. */
export type NormalizedTrigger =
  | { kind: "event"; event: string; if?: string; condition?: CompiledExpression }
  | { kind: "cron"; cron: string };

/** Config after validation, with defaults filled in. */
export interface NormalizedFunctionConfig {
  id: string;
  name: string;
  triggers: NormalizedTrigger[];
  retries: number;
  onFailure?: Handler;
  /** Flow control (concurrency, throttle, rateLimit, …), normalised by `src/flow`. */
  flow: FlowConfig;
}

const KNOWN_FIELDS = new Set<string>([
  "id",
  "name",
  "triggers",
  "retries",
  "onFailure",
  ...FLOW_CONFIG_FIELDS,
]);
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
const MAX_TRIGGERS = 10;

/**
 * Validates `config` (with `triggers` already merged in) and fills defaults.
 * Throws ConfigError naming the field (`"triggers[1].if"`, `"retries"`, or an unknown field's name).
 */
export function normalizeFunctionConfig(config: FunctionConfig): NormalizedFunctionConfig {
  if (typeof config !== "object" || config === null)
    throw new ConfigError("config", "must be an object", config);
  for (const field of Object.keys(config)) {
    if (!KNOWN_FIELDS.has(field)) {
      throw new ConfigError(field, "is not a function option this engine supports", (config as never)[field]);
    }
  }
  if (typeof config.id !== "string" || !ID_PATTERN.test(config.id)) {
    throw new ConfigError("id", "must be 1-128 chars of letters, digits, '-', '_', '.', '/'", config.id);
  }
  if (config.name !== undefined && (typeof config.name !== "string" || config.name === "")) {
    throw new ConfigError("name", "must be a non-empty string", config.name);
  }
  const retries = config.retries ?? 4;
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) {
    throw new ConfigError("retries", "must be an integer from 0 to 20", config.retries);
  }
  if (config.onFailure !== undefined && typeof config.onFailure !== "function") {
    throw new ConfigError("onFailure", "must be a function", config.onFailure);
  }
  const normalized: NormalizedFunctionConfig = {
    id: config.id,
    name: config.name ?? config.id,
    triggers: normalizeTriggers(config.triggers),
    retries,
    flow: normalizeFlowConfig(config, compileCel),
  };
  if (config.onFailure) normalized.onFailure = config.onFailure;
  return normalized;
}

function isTriggerList(input: Trigger | readonly Trigger[]): input is readonly Trigger[] {
  return Array.isArray(input);
}

function normalizeTriggers(input: Trigger | readonly Trigger[] | undefined): NormalizedTrigger[] {
  const list: readonly Trigger[] = input === undefined ? [] : isTriggerList(input) ? input : [input];
  if (list.length === 0) throw new ConfigError("triggers", "must have at least one trigger");
  if (list.length > MAX_TRIGGERS)
    throw new ConfigError("triggers", `must have at most ${MAX_TRIGGERS} triggers`);
  const seen = new Set<string>();
  return list.map((trigger, index) => {
    const path = `triggers[${index}]`;
    const normalized = normalizeTrigger(trigger, path);
    const key = JSON.stringify(trigger);
    if (seen.has(key)) throw new ConfigError(path, "duplicates an earlier trigger", trigger);
    seen.add(key);
    return normalized;
  });
}

function normalizeTrigger(trigger: Trigger, path: string): NormalizedTrigger {
  if (typeof trigger !== "object" || trigger === null)
    throw new ConfigError(path, "must be { event } or { cron }");
  const fields = Object.keys(trigger);
  if ("cron" in trigger) {
    const extra = fields.find((field) => field !== "cron");
    if (extra) throw new ConfigError(`${path}.${extra}`, "is not a cron trigger option");
    parseCron(trigger.cron, `${path}.cron`);
    return { kind: "cron", cron: trigger.cron };
  }
  const extra = fields.find((field) => field !== "event" && field !== "if");
  if (extra) throw new ConfigError(`${path}.${extra}`, "is not an event trigger option (event, if)");
  if (!isEventName(trigger.event)) throw new ConfigError(`${path}.event`, EVENT_NAME_RULE, trigger.event);
  if (trigger.if === undefined) return { kind: "event", event: trigger.event };
  const condition = compileExpression(trigger.if, `${path}.if`, ["event"]);
  return { kind: "event", event: trigger.event, if: trigger.if, condition };
}
