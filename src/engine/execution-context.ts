import { AsyncLocalStorage } from "node:async_hooks";
import { processSingleton } from "./process-singleton.js";
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

/** Shared by every copy of this module in the process (see `process-singleton.ts`). */
const storage = processSingleton("execution-context", () => new AsyncLocalStorage<ExecutionContext>());

/** The context of the run whose handler is executing in this async call chain, or `undefined` outside one. */
export function currentExecution(): ExecutionContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with `context` as the current execution. Used by the executor only. */
export function runInExecution<T>(context: ExecutionContext, fn: () => T): T {
  return storage.run(context, fn);
}
