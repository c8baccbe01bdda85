import type { FakeReplyTurn, FakeToolCall } from "./types.js";

/** The deltas a streamed text is sent in: `turn.textChunks`, or one per word with its trailing space. */
export function textChunks(turn: FakeReplyTurn): string[] {
  if (turn.textChunks) return turn.textChunks;
  return turn.text ? (turn.text.match(/\S+\s*|\s+/g) ?? []) : [];
}

/** Tool-call arguments as JSON text (strings are kept verbatim). */
export function argumentText(call: FakeToolCall): string {
  return typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
}

/** Argument text split in two halves, so streamed arguments arrive in more than one delta. */
export function argumentChunks(call: FakeToolCall): string[] {
  const text = argumentText(call);
  const middle = Math.ceil(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)].filter((part) => part !== "");
}
