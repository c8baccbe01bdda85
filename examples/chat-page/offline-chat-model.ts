/**
 * The chat page's offline model: a few fixed rules, NOT an LLM, and it says so in every answer. With an
 * order id in the message (`o-123`) it calls `lookup_order`, then reports the tool's result; otherwise it
 * echoes the message. It streams its text and tool-call arguments through `onDelta` like a provider does.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Message, Model, ModelRequest, ModelResponse } from "../../src/index.js";

const PREFIX = "(offline demo model, not an LLM)";

/** The offline model. */
export function offlineChatModel(): Model {
  return { format: "offline", modelName: "offline-rules (not an LLM)", generate };
}

async function generate(request: ModelRequest): Promise<ModelResponse> {
  const last = request.messages.at(-1);
  if (last?.type === "tool_result") {
    const content = last.content as { data?: { orderId?: string; status?: string }; error?: string };
    const text = content.data
      ? `${PREFIX} Order ${content.data.orderId} is ${content.data.status}.`
      : `${PREFIX} The lookup failed: ${content.error ?? "unknown error"}.`;
    return answer(request, text);
  }
  const userText = lastUserText(request.messages);
  const orderId = /\bo-\d+\b/i.exec(userText)?.[0]?.toLowerCase();
  if (orderId && request.tools?.some((tool) => tool.name === "lookup_order")) {
    const id = `offline_${createHash("sha256").update(JSON.stringify(request.messages)).digest("hex").slice(0, 16)}`;
    const input = { orderId };
    request.onDelta?.({ type: "tool_call.started", partId: id, toolName: "lookup_order" });
    request.onDelta?.({ type: "tool_call.arguments.delta", partId: id, delta: JSON.stringify(input) });
    return {
      output: [
        {
          type: "tool_call",
          role: "assistant",
          tools: [{ type: "tool", id, name: "lookup_order", input }],
          stop_reason: "tool",
        },
      ],
      stopReason: "tool",
      usage: {},
      raw: { offline: true },
    };
  }
  return answer(request, `${PREFIX} You said: "${userText}". Ask about an order, e.g. "Where is o-123?"`);
}

function answer(request: ModelRequest, text: string): ModelResponse {
  for (const piece of text.match(/.{1,16}/gs) ?? [])
    request.onDelta?.({ type: "text.delta", partId: "text", delta: piece });
  return {
    output: [{ type: "text", role: "assistant", content: text, stop_reason: "stop" }],
    stopReason: "stop",
    usage: {},
    raw: { offline: true },
  };
}

function lastUserText(messages: Message[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.type === "text" && message.role === "user") {
      return typeof message.content === "string"
        ? message.content
        : message.content.map((part) => part.text).join("");
    }
  }
  return "";
}
