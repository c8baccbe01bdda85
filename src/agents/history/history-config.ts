import type { StepTools } from "../../engine/step-types.js";
import type { AgentResult } from "../agent-result.js";
import type { NetworkRun } from "../network-run.js";
import type { State } from "../state.js";
import type { MaybePromise, StateData } from "../types.js";

/** What every history hook receives. `step` is set inside a Fairway function. */
export interface HistoryContext<T extends StateData = StateData> {
  state: State<T>;
  network: NetworkRun<T>;
  step?: StepTools;
  /** The user's input text of this run. */
  input: string;
  threadId?: string;
  /** The tenant: `network.run(..., { userId })`, else `state.data.userId` when it is a string. */
  userId?: string;
}

/** The user's turn as given to `appendUserMessage`. */
export interface HistoryUserMessage {
  id: string;
  content: string;
  role: "user";
  timestamp: Date;
}

/**
 * How a network (or agent) keeps a conversation thread: AgentKit's four optional hooks. Call order for a
 * network run: `createThread` (when there is no thread id, or to upsert a given one) → `appendUserMessage`
 * → `get` (only when the caller gave a thread id and the state has no results or messages yet) → agents →
 * `appendResults` (only the results new in this run). Errors thrown by hooks fail the run.
 */
export interface HistoryConfig<T extends StateData = StateData> {
  createThread?(context: HistoryContext<T>): MaybePromise<{ threadId: string }>;
  get?(context: HistoryContext<T>): MaybePromise<AgentResult[]>;
  appendUserMessage?(context: HistoryContext<T> & { userMessage: HistoryUserMessage }): MaybePromise<void>;
  appendResults?(context: HistoryContext<T> & { newResults: AgentResult[] }): MaybePromise<void>;
}

/** AgentKit's alias. */
export type History<T extends StateData = StateData> = HistoryConfig<T>;
