/**
 * Flow-control configuration of a function: what users write (`*Input`) and the normalised form the
 * engine keeps (durations in ms, defaults filled, CEL sources validated). Type-only.
 * Semantics: DESIGN.md §3 "Function config" and docs/flow-control.md.
 *
 * @module
 */
import type { DurationInput } from "./validate.js";

/** Who shares a concurrency key: one function (`fn`), every function of this Fairway app (`env`), or every app on the store (`account`). */
export type ConcurrencyScope = "fn" | "env" | "account";

export interface ConcurrencyLimitInput {
  /** Runs executing at once, integer ≥ 1. */
  limit: number;
  /** CEL over `event`; each distinct value gets its own `limit`. Required for `env`/`account` scope. */
  key?: string;
  /** @default "fn" */
  scope?: ConcurrencyScope;
}

export interface ThrottleInput {
  /** Starts per `period`, integer ≥ 1. */
  limit: number;
  /** 1s–7d. */
  period: DurationInput;
  /** Extra starts allowed at once from idle. @default 0 */
  burst?: number;
  key?: string;
}

export interface RateLimitInput {
  /** Runs per any window of `period`, 1–10 000. */
  limit: number;
  /** 1s–24h. */
  period: DurationInput;
  key?: string;
}

export interface DebounceInput {
  /** Quiet time after the last event before the run is scheduled, 1s–7d. */
  period: DurationInput;
  key?: string;
  /** Longest delay after the first event, 1s–7d. */
  timeout?: DurationInput;
}

export interface PriorityInput {
  /** CEL over `event` → seconds (clamped to −600…600); higher starts earlier. */
  run: string;
}

export interface BatchEventsInput {
  /** Events per run, 2–1000. */
  maxSize: number;
  /** Longest wait after the first event of a batch, 1s–60s. */
  timeout: DurationInput;
  key?: string;
  /** CEL over `event`; events for which it is not `true` run alone, unbatched. */
  if?: string;
}

export interface SingletonInput {
  key?: string;
  /** `skip`: a new run is skipped while one holds the key; `cancel`: the holder is cancelled. */
  mode: "skip" | "cancel";
}

export interface CancelOnInput {
  /** Event name that cancels the run. */
  event: string;
  /** CEL over `event` (the trigger) and `async` (the candidate). Exclusive with `match`. */
  if?: string;
  /** Field path such as `"data.user_id"`: cancels when both events have the same value there. */
  match?: string;
  /** How long after scheduling the run can be cancelled this way, 1s–366d. @default "366d" */
  timeout?: DurationInput;
}

export interface TimeoutsInput {
  /** Longest time from scheduling to first start (queue + throttle + concurrency waits); 1s–366d. */
  start?: DurationInput;
  /** Longest time from first start to completion; 1s–366d. */
  finish?: DurationInput;
}

/** The flow-control fields of a function config, as written by users. */
export interface FlowConfigInput {
  concurrency?: number | ConcurrencyLimitInput | ConcurrencyLimitInput[];
  throttle?: ThrottleInput;
  rateLimit?: RateLimitInput;
  /** CEL over `event`: one run per value per 24 h. */
  idempotency?: string;
  debounce?: DebounceInput;
  priority?: PriorityInput;
  batchEvents?: BatchEventsInput;
  singleton?: SingletonInput;
  cancelOn?: CancelOnInput[];
  timeouts?: TimeoutsInput;
}

/** The names of the flow-control fields, for the engine's unknown-field check. */
export const FLOW_CONFIG_FIELDS = [
  "concurrency",
  "throttle",
  "rateLimit",
  "idempotency",
  "debounce",
  "priority",
  "batchEvents",
  "singleton",
  "cancelOn",
  "timeouts",
] as const satisfies readonly (keyof FlowConfigInput)[];

export interface ConcurrencyLimit {
  limit: number;
  scope: ConcurrencyScope;
  key?: string;
}

export interface ThrottleConfig {
  limit: number;
  periodMs: number;
  burst: number;
  key?: string;
}

export interface RateLimitConfig {
  limit: number;
  periodMs: number;
  key?: string;
}

export interface DebounceConfig {
  periodMs: number;
  timeoutMs?: number;
  key?: string;
}

export interface BatchEventsConfig {
  maxSize: number;
  timeoutMs: number;
  key?: string;
  if?: string;
}

export interface SingletonConfig {
  key?: string;
  mode: "skip" | "cancel";
}

export interface CancelOnConfig {
  event: string;
  /** The CEL condition; `match` is already expanded to `event.<path> == async.<path>`. */
  if?: string;
  timeoutMs: number;
}

/** Normalised flow config; JSON-safe (expressions are kept as sources). */
export interface FlowConfig {
  /** Sorted as written; empty when there is no limit. */
  concurrency: ConcurrencyLimit[];
  throttle?: ThrottleConfig;
  rateLimit?: RateLimitConfig;
  idempotency?: string;
  debounce?: DebounceConfig;
  priority?: { run: string };
  batchEvents?: BatchEventsConfig;
  singleton?: SingletonConfig;
  cancelOn: CancelOnConfig[];
  timeouts: { startMs?: number; finishMs?: number };
}
