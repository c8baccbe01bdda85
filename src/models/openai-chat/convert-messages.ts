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
 * result as a string (JSON for non-strings). OpenAI requires the `tool` messages of every call right after
 * the assistant message that made them, so text recorded while some of those calls were still unanswered
 * (a user adding "also check X") is sent after the last of their results (the rule of pitfall R03).
 */
export function convertMessages(messages: readonly Message[], names: ToolNameMap): OpenAiChatMessage[] {
  const out: OpenAiChatMessage[] = [];
  const unanswered = new Set<string>();
  let held: OpenAiChatMessage[] = [];
  const release = () => {
    out.push(...held);
    held = [];
  };
  for (const message of messages) {
    if (message.type === "text") {
      const text: OpenAiChatMessage = { role: message.role, content: textOf(message.content) };
      if (unanswered.size > 0) held.push(text);
      else out.push(text);
    } else if (message.type === "tool_call") {
      unanswered.clear();
      release();
      const toolCalls = message.tools.map((tool): OpenAiToolCall => {
        unanswered.add(tool.id);
        return {
          id: tool.id,
          type: "function",
          function: { name: names.toProvider(tool.name), arguments: JSON.stringify(tool.input) },
        };
      });
      const last = out.at(-1);
      if (last?.role === "assistant" && !last.tool_calls) last.tool_calls = toolCalls;
      else out.push({ role: "assistant", content: null, tool_calls: toolCalls });
    } else {
      out.push({ role: "tool", tool_call_id: message.tool.id, content: toolResultText(message.content) });
      unanswered.delete(message.tool.id);
      if (unanswered.size === 0) release();
    }
  }
  release();
  return out;
}
