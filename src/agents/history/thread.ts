import { randomUUID } from "node:crypto";
import { AgentResult } from "../agent-result.js";
import type { RunScope } from "../durable.js";
import type { MaybePromise, StateData, UserMessage } from "../types.js";
import { runUserCode } from "../user-code-step.js";
import type { HistoryConfig, HistoryContext, HistoryUserMessage } from "./history-config.js";

/*
 * The history rules (AgentKit's, with its placement and empty-save bugs fixed). Inside a Fairway function
 * each hook call is a step: a replay neither writes twice nor reads a thread that this very run has already
 * appended to (which would change what the agents see). A hook that uses its `step` itself (AgentKit's docs
 * show `step?.run` in hooks) runs outside a step instead, like a tool that does (see `runUserCode`).
 */

/** Calls a history hook as user code `history/<id>`, with the step tools it may use. */
function callHook<T extends StateData, R>(
  id: string,
  context: HistoryContext<T>,
  scope: RunScope,
  hook: (context: HistoryContext<T>) => MaybePromise<R>,
): Promise<R> {
  return runUserCode(scope, `history/${id}`, context.state.data, async (step) => {
    const { step: _outer, ...rest } = context;
    return hook(step ? { ...rest, step } : rest);
  });
}

/**
 * Makes sure the state has a thread id: a given id is upserted through `createThread` (its return value
 * ignored); without one, `createThread` supplies it; with neither but a `get` hook, a new UUID is made
 * (stable across replays). Returns true when the caller supplied the thread id.
 */
async function initializeThread<T extends StateData>(
  config: HistoryConfig<T> | undefined,
  context: HistoryContext<T>,
  scope: RunScope,
): Promise<boolean> {
  const supplied = context.state.threadId !== undefined;
  context.threadId = context.state.threadId;
  if (!config) return supplied;
  if (config.createThread) {
    const created = await callHook("create-thread", context, scope, config.createThread);
    if (!supplied) context.state.threadId = created.threadId;
  } else if (!supplied && config.get) {
    // A standard UUID (AgentKit's history examples store thread ids in UUID columns); memoized, so a
    // replay of a durable run gets the same one.
    context.state.threadId = await scope.memo("history/thread-id", async () => randomUUID());
  }
  context.threadId = context.state.threadId;
  return supplied;
}

/** Calls `appendUserMessage` with the run's user message. */
async function appendUserMessage<T extends StateData>(
  config: HistoryConfig<T> | undefined,
  context: HistoryContext<T>,
  userMessage: HistoryUserMessage,
  scope: RunScope,
): Promise<void> {
  if (!config?.appendUserMessage) return;
  const hook = config.appendUserMessage;
  await callHook("append-user-message", context, scope, (hookContext) =>
    hook({ ...hookContext, userMessage }),
  );
}

/**
 * Loads the thread into `state.results` when there is a thread id and a `get` hook and the state holds no
 * results or messages yet (history the client sent wins over the store). A stored copy of the current
 * user message (same id) is dropped: it is sent once, after the history.
 */
async function loadThreadFromStorage<T extends StateData>(
  config: HistoryConfig<T> | undefined,
  context: HistoryContext<T>,
  scope: RunScope,
  currentMessageId?: string,
): Promise<void> {
  const { state } = context;
  if (!config?.get || state.threadId === undefined) return;
  if (state.results.length > 0 || state.messages.length > 0) return;
  const loaded = await callHook("get", context, scope, config.get);
  state.setResults(
    loaded.map((result) => AgentResult.from(result)).filter((result) => result.id !== currentMessageId),
  );
}

/** Passes the results new in this run to `appendResults`. */
export async function saveThreadToStorage<T extends StateData>(
  config: HistoryConfig<T> | undefined,
  context: HistoryContext<T>,
  newResults: AgentResult[],
  scope: RunScope,
): Promise<void> {
  if (!config?.appendResults) return;
  const hook = config.appendResults;
  await callHook("append-results", context, scope, (hookContext) => hook({ ...hookContext, newResults }));
}

/**
 * The start of a run's thread: `initializeThread`, then `appendUserMessage` with the run's user message,
 * then — when the caller supplied the thread id — `loadThreadFromStorage`.
 */
export async function startThread<T extends StateData>(
  config: HistoryConfig<T> | undefined,
  context: HistoryContext<T>,
  userMessage: UserMessage,
  scope: RunScope,
): Promise<void> {
  const supplied = await initializeThread(config, context, scope);
  if (!config) return;
  const timestamp = userMessage.clientTimestamp ? new Date(userMessage.clientTimestamp) : new Date();
  const stored: HistoryUserMessage = {
    id: userMessage.id,
    content: userMessage.content,
    role: "user",
    timestamp,
  };
  await appendUserMessage(config, context, stored, scope);
  if (supplied) await loadThreadFromStorage(config, context, scope, userMessage.id);
}
