/**
 * `startRun`: what `runAgent` and `runNetwork` do before their first model call and after their last, in
 * one place: the durable scope, the user message, the history thread, the run's stream.
 *
 * @module
 */
import { deriveId } from "../streaming/ids.js";
import { type StreamingConfig, StreamingContext } from "../streaming/streaming-context.js";
import type { AgentResult } from "./agent-result.js";
import { openScope, type RunScope } from "./durable.js";
import type { HistoryConfig, HistoryContext } from "./history/history-config.js";
import { saveThreadToStorage, startThread } from "./history/thread.js";
import type { NetworkRun } from "./network-run.js";
import type { State } from "./state.js";
import { type StateData, toUserMessage, type UserMessage } from "./types.js";

/** What a run starts from. */
export interface RunStartInput<T extends StateData> {
  /** The scope's name: the agent's or the network's (its step ids' prefix and id seed). */
  name: string;
  input: string | UserMessage;
  state: State<T>;
  network: NetworkRun<T>;
  history: HistoryConfig<T> | undefined;
  /** The tenant. @default `state.data.userId` when it is a string */
  userId?: string | undefined;
  streaming: StreamingConfig | undefined;
}

/** A started run: what its loop needs, and its end. */
export interface StartedRun<T extends StateData> {
  scope: RunScope;
  /** The input as a message; its id derives from the scope (`msg` of `<seed>/user`), so a replay gets the same. */
  userMessage: UserMessage;
  /** What the history hooks get. */
  context: HistoryContext<T>;
  /** The run's id (`run` of the scope's seed), under which its stream publishes. */
  runId: string;
  /** The run's stream, with `streaming` only. */
  stream: StreamingContext | undefined;
  /** Hands `results` to the history's `appendResults` (nothing without one). */
  save(results: AgentResult[]): Promise<void>;
  /** Emits `stream.ended` for `scope` with `messageId` and flushes the stream (nothing without one). */
  endStream(scope: "agent" | "network", messageId: string): Promise<void>;
}

/**
 * Opens the run's scope, makes the user message, starts the history thread (`createThread` →
 * `appendUserMessage` → `get`, see `startThread`) and opens the stream.
 *
 * @throws whatever the history hooks throw.
 */
export async function startRun<T extends StateData>(setup: RunStartInput<T>): Promise<StartedRun<T>> {
  const { state, history } = setup;
  const scope = openScope(setup.name);
  const userMessage = toUserMessage(setup.input, () => deriveId("msg", `${scope.seed}/user`));
  const userId = setup.userId ?? (typeof state.data.userId === "string" ? state.data.userId : undefined);
  const context: HistoryContext<T> = {
    state,
    network: setup.network,
    step: scope.step,
    input: userMessage.content,
    userId,
  };
  await startThread(history, context, userMessage, scope);
  const runId = deriveId("run", scope.seed);
  const stream = setup.streaming
    ? new StreamingContext(setup.streaming, runId, { threadId: state.threadId, userId })
    : undefined;
  return {
    scope,
    userMessage,
    context,
    runId,
    stream,
    save: (results) => saveThreadToStorage(history, context, results, scope),
    endStream: async (ended, messageId) => {
      stream?.emit("stream.ended", { scope: ended, messageId });
      await stream?.flush();
    },
  };
}
