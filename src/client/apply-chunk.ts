/**
 * `applyChunk`: folds a thread's agent events into the messages a chat UI shows — each agent call's
 * answer with its streamed text and tool calls (input, then output). Pure: returns new arrays and
 * objects for what changed, so UI frameworks see the change.
 *
 * @module
 */
import type { AgentMessageChunk } from "../streaming/schema.js";
import type { ThreadMessage, ThreadToolCall } from "../streaming/thread-message.js";

type Data = Record<string, unknown>;

/** `messages` with `chunk` applied (unchanged for events that change no message). */
export function applyChunk(messages: ThreadMessage[], chunk: AgentMessageChunk): ThreadMessage[] {
  const data = chunk.data as Data;
  const messageId = typeof data.messageId === "string" ? data.messageId : undefined;
  const metadata = (data.metadata ?? {}) as Data;
  switch (chunk.event) {
    case "run.started":
      if (data.scope !== "agent" || !messageId) return messages;
      return upsert(messages, messageId, chunk, String(data.name ?? ""), (message) => message);
    case "text.delta":
      if (!messageId) return messages;
      return upsert(messages, messageId, chunk, undefined, (message) => ({
        ...message,
        text: message.text + String(data.delta ?? ""),
      }));
    case "part.created":
    case "part.completed": {
      const callId = typeof metadata.toolCallId === "string" ? metadata.toolCallId : undefined;
      if (!messageId || !callId || (data.type !== "tool-call" && data.type !== "tool-output"))
        return messages;
      const agentName = typeof metadata.agentName === "string" ? metadata.agentName : undefined;
      return upsert(messages, messageId, chunk, agentName, (message) => {
        const call = message.toolCalls.find((each) => each.id === callId) ?? {
          id: callId,
          name: String(metadata.toolName ?? ""),
          input: undefined,
        };
        const updated: ThreadToolCall =
          chunk.event === "part.created"
            ? call
            : data.type === "tool-call"
              ? { ...call, input: data.finalContent }
              : { ...call, output: data.finalContent };
        const known = message.toolCalls.some((each) => each.id === callId);
        const toolCalls = known
          ? message.toolCalls.map((each) => (each.id === callId ? updated : each))
          : [...message.toolCalls, updated];
        return { ...message, toolCalls };
      });
    }
    default:
      return messages;
  }
}

/** `messages` with the assistant message `id` changed by `change` (added first when missing). */
function upsert(
  messages: ThreadMessage[],
  id: string,
  chunk: AgentMessageChunk,
  agentName: string | undefined,
  change: (message: ThreadMessage) => ThreadMessage,
): ThreadMessage[] {
  const index = messages.findIndex((message) => message.id === id);
  if (index >= 0) return messages.map((message, at) => (at === index ? change(message) : message));
  const created: ThreadMessage = {
    id,
    role: "assistant",
    text: "",
    toolCalls: [],
    createdAt: chunk.timestamp,
  };
  if (agentName) created.agentName = agentName;
  return [...messages, change(created)];
}
