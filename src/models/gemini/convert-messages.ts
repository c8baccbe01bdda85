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
 * results travel together, in call order. Gemini pairs results to calls by name and order, so ids are
 * not sent.
 */
export function convertMessages(messages: readonly Message[], names: ToolNameMap): GeminiPrompt {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
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
      add("user", [{ functionResponse: { name: names.toProvider(message.tool.name), response } }]);
    }
  }
  const prompt: GeminiPrompt = { contents };
  if (system.length > 0) prompt.systemInstruction = { parts: [{ text: system.join("\n\n") }] };
  return prompt;
}
