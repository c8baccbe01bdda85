import { createHash } from "node:crypto";
import { isErrorResult, textOf, toolResultText } from "../shared/text.js";
import type { ToolNameMap } from "../shared/tool-names.js";
import type { Message } from "../spec.js";
import { type ThinkingBlock, thinkingOf } from "./thinking.js";

/** A content block of an Anthropic Messages API request. */
export type AnthropicBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; tool_use_id: string; content: string; is_error?: boolean }
  | ThinkingBlock;

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: AnthropicBlock[];
}

export interface AnthropicPrompt {
  system?: string;
  messages: AnthropicMessage[];
}

/**
 * Maps Fairway messages to the Messages API's `system` and `messages`, keeping Anthropic's rules:
 * - every system message goes into top-level `system` (joined by blank lines);
 * - `tool_call` → assistant `tool_use` blocks, each after the thinking blocks it came with (extended
 *   thinking, see `ThinkingBlocks`; a call's first thinking goes before the text the model wrote with
 *   it); `tool_result` → user `tool_result` blocks (`is_error` for AgentKit `{error}` results);
 * - consecutive turns of one role are merged, and in a user turn the `tool_result` blocks come before any
 *   text, so results sit right after their `tool_use` turn and roles alternate (pitfall R03);
 * - a final assistant turn without tool calls is sent as user content, so the request never ends with an
 *   assistant turn (prefill is refused with tools and by newer models; pitfall R02);
 * - empty text blocks are dropped (the API rejects them);
 * - tool-call ids from other providers that Anthropic's id rule rejects are mapped (see `wireId`).
 */
export function convertMessages(messages: readonly Message[], names: ToolNameMap): AnthropicPrompt {
  const system: string[] = [];
  const turns: AnthropicMessage[] = [];
  const add = (role: AnthropicMessage["role"], blocks: AnthropicBlock[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const message of messages) {
    if (message.type === "text") {
      const text = textOf(message.content);
      if (message.role === "system") system.push(text);
      else add(message.role, text.trim() === "" ? [] : [{ type: "text", text }]);
    } else if (message.type === "tool_call") {
      const blocks = message.tools.flatMap((tool): AnthropicBlock[] => [
        ...thinkingOf(tool),
        { type: "tool_use", id: wireId(tool.id), name: names.toProvider(tool.name), input: tool.input },
      ]);
      // The turn must start with its thinking: put it before the text the model wrote after thinking.
      const last = turns.at(-1);
      const leading = blocks.findIndex((block) => block.type === "tool_use");
      if (last?.role === "assistant" && leading > 0) {
        let at = last.content.length;
        while (at > 0 && last.content[at - 1]?.type === "text") at--;
        last.content.splice(at, 0, ...blocks.splice(0, leading));
      }
      add("assistant", blocks);
    } else {
      const block: AnthropicBlock = {
        type: "tool_result",
        tool_use_id: wireId(message.tool.id),
        content: toolResultText(message.content),
      };
      if (isErrorResult(message.content)) block.is_error = true;
      add("user", [block]);
    }
  }
  const last = turns.at(-1);
  if (last?.role === "assistant" && last.content.every((block) => block.type === "text")) {
    turns.pop();
    add("user", last.content);
  }
  for (const turn of turns) if (turn.role === "user") turn.content = resultsFirst(turn.content);
  const prompt: AnthropicPrompt = { messages: turns };
  if (system.length > 0) prompt.system = system.join("\n\n");
  return prompt;
}

function resultsFirst(blocks: AnthropicBlock[]): AnthropicBlock[] {
  return [
    ...blocks.filter((block) => block.type === "tool_result"),
    ...blocks.filter((block) => block.type !== "tool_result"),
  ];
}

/**
 * Anthropic accepts `tool_use` ids of `[A-Za-z0-9_-]` only; a history made with another provider can hold
 * others (Kimi sends `functions.get_weather:0`). Such an id is sent with those characters replaced and an
 * 8-hex SHA-256 suffix of the original, so a call and its result still match and distinct ids stay distinct.
 */
function wireId(id: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(id)) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 8);
  return `${id.replace(/[^A-Za-z0-9_-]/g, "_")}_${hash}`;
}
