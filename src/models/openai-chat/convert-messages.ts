import { textOf, toolResultText } from "../shared/text.js";
import type { ToolNameMap } from "../shared/tool-names.js";
import type { Message } from "../spec.js";

/** An OpenAI chat-completions message as sent. */
export type OpenAiChatMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: OpenAiToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

interface OpenAiToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/**
 * Maps Fairway messages to chat-completions `messages`: text keeps its role; a `tool_call` message
 * becomes one assistant message with every call in `tool_calls` (joined to the assistant text right
 * before it, if any); each `tool_result` becomes a `tool` message with its call's `tool_call_id` and the
 * result as a string (JSON for non-strings).
 */
export function convertMessages(messages: readonly Message[], names: ToolNameMap): OpenAiChatMessage[] {
  const out: OpenAiChatMessage[] = [];
  for (const message of messages) {
    if (message.type === "text") {
      out.push({ role: message.role, content: textOf(message.content) });
    } else if (message.type === "tool_call") {
      const toolCalls = message.tools.map(
        (tool): OpenAiToolCall => ({
          id: tool.id,
          type: "function",
          function: { name: names.toProvider(tool.name), arguments: JSON.stringify(tool.input) },
        }),
      );
      const last = out.at(-1);
      if (last?.role === "assistant" && !last.tool_calls) last.tool_calls = toolCalls;
      else out.push({ role: "assistant", content: null, tool_calls: toolCalls });
    } else {
      out.push({ role: "tool", tool_call_id: message.tool.id, content: toolResultText(message.content) });
    }
  }
  return out;
}
