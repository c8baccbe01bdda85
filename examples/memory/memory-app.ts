/**
 * An assistant with long-term memory per user. Its `remember` tool does not write: it sends
 * `memory/facts.remembered` with `step.sendEvent`, and a separate function, `memory-writer`, stores the
 * facts — so saving never slows the answer, is retried on its own, and is serialized per user. Its
 * `recall` tool searches only the current user's facts (the user comes from the run's event, never from
 * the model).
 *
 * @module
 */
import { z } from "zod";
import { createAgent, createState, createTool, Fairway, type Logger, type Model } from "../../src/index.js";
import { answerText } from "../shared/answer-text.js";
import type { MemoryStore } from "./memory-store.js";

/** A user's chat message: `{ userId, message }`. */
export const CHAT_EVENT = "memory/chat.message";
/** Facts to store for a user: `{ userId, facts }`. */
export const REMEMBERED_EVENT = "memory/facts.remembered";

/** The memory app: the client, the chat function and the writer function, on `store` (SQLite path or "memory"). */
export function createMemoryApp(options: {
  model: Model;
  store: string;
  memories: MemoryStore;
  logger?: Logger;
}) {
  const { memories } = options;
  const fairway = new Fairway({
    id: "memory-assistant",
    store: options.store,
    ...(options.logger && { logger: options.logger }),
  });
  const userOf = (data: Record<string, unknown>) => String(data.userId);
  const remember = createTool({
    name: "remember",
    description: "Save lasting facts about the user (preferences, circumstances) for later conversations.",
    parameters: z.object({ facts: z.array(z.string().min(1)).min(1) }),
    handler: async ({ facts }, { step, network }) => {
      if (!step) throw new Error("remember needs a durable run");
      await step.sendEvent("save-memories", {
        name: REMEMBERED_EVENT,
        data: { userId: userOf(network.state.data), facts },
      });
      return `will remember ${facts.length} fact(s)`;
    },
  });
  const recall = createTool({
    name: "recall",
    description: "Search what you remember about the user.",
    parameters: z.object({ query: z.string() }),
    handler: ({ query }, { network }) =>
      memories.recall(userOf(network.state.data), query).map((m) => m.fact),
  });
  const assistant = createAgent({
    name: "Assistant",
    system:
      "You are a personal assistant with long-term memory. When the user tells you something lasting about " +
      "themselves, save it with remember. Before answering a question about them, use recall. Answer briefly.",
    model: options.model,
    tools: [remember, recall],
  });
  const chat = fairway.createFunction(
    { id: "memory-chat", concurrency: [{ key: "event.data.userId", limit: 1 }] },
    { event: CHAT_EVENT },
    async ({ event }) => {
      const data = event.data as { userId: string; message: string };
      const result = await assistant.run(data.message, {
        state: createState({ userId: data.userId }),
        maxIter: 3,
      });
      return { userId: data.userId, answer: answerText(result) };
    },
  );
  const writer = fairway.createFunction(
    { id: "memory-writer", concurrency: [{ key: "event.data.userId", limit: 1 }] },
    { event: REMEMBERED_EVENT },
    async ({ event, step }) => {
      const data = event.data as { userId: string; facts: string[] };
      const added = await step.run("store-facts", () => memories.add(data.userId, data.facts));
      return { userId: data.userId, added };
    },
  );
  return { fairway, chat, writer };
}
