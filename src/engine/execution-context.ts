import { AsyncLocalStorage } from "node:async_hooks";
import { processSingleton } from "./process-singleton.js";
import type { StepIdentity } from "./step-ids.js";
import type { FairwayEvent, StepTools } from "./step-types.js";

/**
 * What code running inside a Fairway function handler can learn about its run, without being passed
 * anything: agents use it to turn each inference and tool call into a step automatically.
 */
export interface ExecutionContext {
  runId: string;
  functionId: string;
  /** 0-based attempt of the current execution. */
  attempt: number;
  event: FairwayEvent;
  step: StepTools;
  /**
   * Stores the token usage of a model call made inside the `step.run` body executing now, keyed by run and
   * step so a call recorded twice counts once (usage accounting: `fairway.usage`). Outside a step body it
   * records nothing.
   */
  recordUsage(usage: ModelCallUsage): Promise<void>;
}

/** The token usage of one model call, as the agent layer reports it. Token counts are integers ≥ 0. */
export interface ModelCallUsage {
  /** Model name as sent to the provider. */
  model: string;
  /** Wire format / provider, e.g. `openai-chat`. */
  provider: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
}

/**
 * The `step.run` body executing in an async call chain: its execution (compared by identity only) and the
 * step's identity. Step calls inside it are refused; model calls inside it record their usage under it.
 */
export interface StepBody {
  exec: unknown;
  identity: StepIdentity;
}

/**
 * What the engine's one AsyncLocalStorage holds: the execution whose handler runs, and the step body running
 * in it, if any. One storage, not one per concern: while any is in use, Node stores each storage's value on
 * every promise the process creates.
 */
interface Frame {
  context: ExecutionContext | undefined;
  body: StepBody | undefined;
}

/** Shared by every copy of this module in the process (see `process-singleton.ts`). */
const storage = processSingleton("execution-frame", () => new AsyncLocalStorage<Frame>());

/** The context of the run whose handler is executing in this async call chain, or `undefined` outside one. */
export function currentExecution(): ExecutionContext | undefined {
  return storage.getStore()?.context;
}

/**
 * Runs `fn` with `context` as the current execution (inside a step body, still inside that body). Used by the
 * executor, and by agents to hand their code other step tools.
 */
export function runInExecution<T>(context: ExecutionContext, fn: () => T): T {
  return storage.run({ context, body: storage.getStore()?.body }, fn);
}

/** Runs `fn` as the `step.run` body `body`, in the current execution. */
export function runInStepBody<T>(body: StepBody, fn: () => T): T {
  return storage.run({ context: storage.getStore()?.context, body }, fn);
}

/** The `step.run` body executing in this async call chain, if any. */
export function currentStepBody(): StepBody | undefined {
  return storage.getStore()?.body;
}
