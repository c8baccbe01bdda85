import { isJsonObject } from "../shared/json.js";
import { textOf } from "../shared/text.js";
import type { ToolNameMap } from "../shared/tool-names.js";
import type { Message } from "../spec.js";

/** A part of a Gemini `Content`, as sent. */
export type GeminiPart =
  | { text: string }
  | { functionCall: { name: string; args: Record<string, unknown> }; thoughtSignature?: string }
  | { functionResponse: { name: string; response: Record<string, unknown> } };

export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

export interface GeminiPrompt {
  systemInstruction?: { parts: Array<{ text: string }> };
  contents: GeminiContent[];
}

/**
 * Maps Fairway messages to Gemini `systemInstruction` and `contents`: system text → `systemInstruction`;
 * assistant → role `model`; a `tool_call` message → one `functionCall` part per call (every call of the
 * turn, each with the `thoughtSignature` Gemini gave it, which thinking models require back); each
 * `tool_result` → a user `functionResponse` part with the call's tool name (an object result is sent as
 * is, anything else as `{ result }`). Consecutive same-role contents are merged, so parallel
 * results travel together. Gemini pairs results to calls by name and position, and ids are not sent, so
 * a user content lists its function responses first, in the order of their calls (whatever order the
 * results were recorded in), then any text.
 */
export function convertMessages(messages: readonly Message[], names: ToolNameMap): GeminiPrompt {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
  // Position of each call in the conversation (by tool call id), and of each result part's call.
  const callOrder = new Map<string, number>();
  const resultOrder = new Map<GeminiPart, number>();
  const add = (role: GeminiContent["role"], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const message of messages) {
    if (message.type === "text") {
      const text = textOf(message.content);
      if (message.role === "system") system.push(text);
      else add(message.role === "assistant" ? "model" : "user", text === "" ? [] : [{ text }]);
    } else if (message.type === "tool_call") {
      for (const tool of message.tools) callOrder.set(tool.id, callOrder.size);
      add(
        "model",
        message.tools.map((tool): GeminiPart => {
          const part = { functionCall: { name: names.toProvider(tool.name), args: tool.input } };
          const signature = tool.providerMetadata?.gemini?.thoughtSignature;
          return typeof signature === "string" ? { ...part, thoughtSignature: signature } : part;
        }),
      );
    } else {
      const response = isJsonObject(message.content) ? message.content : { result: message.content ?? null };
      const part = { functionResponse: { name: names.toProvider(message.tool.name), response } };
      resultOrder.set(part, callOrder.get(message.tool.id) ?? Number.MAX_SAFE_INTEGER);
      add("user", [part]);
    }
  }
  for (const content of contents) {
    if (content.role === "user") content.parts = resultsInCallOrder(content.parts, resultOrder);
  }
  const prompt: GeminiPrompt = { contents };
  if (system.length > 0) prompt.systemInstruction = { parts: [{ text: system.join("\n\n") }] };
  return prompt;
}

/** Function responses first, in the order of their calls (Gemini pairs them by position), then the rest. */
function resultsInCallOrder(parts: GeminiPart[], resultOrder: Map<GeminiPart, number>): GeminiPart[] {
  const results = parts.filter((part) => resultOrder.has(part));
  results.sort((a, b) => (resultOrder.get(a) ?? 0) - (resultOrder.get(b) ?? 0));
  return [...results, ...parts.filter((part) => !resultOrder.has(part))];
}
