import type { TextMessage, ToolResultMessage } from "../spec.js";

/** The plain text of a text message (parts joined with newlines). */
export function textOf(content: TextMessage["content"]): string {
  return typeof content === "string" ? content : content.map((part) => part.text).join("\n");
}

/** A tool result's content as text for providers that want a string: strings as is, others as JSON. */
export function toolResultText(content: ToolResultMessage["content"]): string {
  if (typeof content === "string") return content;
  return JSON.stringify(content ?? null);
}

/** True when a tool result is AgentKit's `{ error }` shape (has `error`, no `data`). */
export function isErrorResult(content: ToolResultMessage["content"]): boolean {
  return typeof content === "object" && content !== null && "error" in content && !("data" in content);
}
