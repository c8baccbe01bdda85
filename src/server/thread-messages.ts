/**
 * Stored agent results as {@link ThreadMessage}s: what the thread routes return to clients.
 *
 * @module
 */
import type { AgentResult } from "../agents/agent-result.js";
import type { Message } from "../models/spec.js";
import type { ThreadMessage, ThreadToolCall } from "../streaming/thread-message.js";

/** A thread's results (user turns are results of agent `"user"`) as client messages, in order. */
export function toThreadMessages(results: AgentResult[]): ThreadMessage[] {
  return results.map((result) => {
    const user = result.agentName === "user";
    const message: ThreadMessage = {
      id: result.id ?? result.checksum,
      role: user ? "user" : "assistant",
      text: textOf(result.output),
      toolCalls: toolCallsOf(result),
      createdAt: result.createdAt.getTime(),
    };
    if (!user) message.agentName = result.agentName;
    return message;
  });
}

function textOf(messages: Message[]): string {
  return messages
    .flatMap((message) => {
      if (message.type !== "text") return [];
      const { content } = message;
      return typeof content === "string" ? [content] : content.map((part) => part.text);
    })
    .join("");
}

function toolCallsOf(result: AgentResult): ThreadToolCall[] {
  const calls = new Map<string, ThreadToolCall>();
  for (const message of result.output) {
    if (message.type !== "tool_call") continue;
    for (const tool of message.tools) calls.set(tool.id, { id: tool.id, name: tool.name, input: tool.input });
  }
  for (const message of result.toolCalls) {
    const call = calls.get(message.tool.id) ?? {
      id: message.tool.id,
      name: message.tool.name,
      input: message.tool.input,
    };
    calls.set(call.id, { ...call, output: message.content });
  }
  return [...calls.values()];
}
