import type { ToolMessage } from "../spec.js";

/** A thinking block as Anthropic returned it (extended thinking); sent back unchanged. */
export type ThinkingBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string };

/**
 * Keeps the thinking blocks of one turn for its tool calls. With extended thinking on (the `thinking`
 * body field), Anthropic requires the thinking blocks of a tool-use turn back, unchanged and before its
 * `tool_use` blocks, in the next request; a request without them is a 400 (Anthropic docs, "Extended
 * thinking": preserving thinking blocks with tool use). Each tool call takes the blocks seen since the
 * previous call (`ToolMessage.providerMetadata.anthropic.thinking`), which also keeps interleaved thinking
 * in order. Blocks of a turn without tool calls are not needed again and are dropped.
 */
export class ThinkingBlocks {
  #pending: ThinkingBlock[] = [];
  readonly #byKey = new Map<string, ThinkingBlock>();

  /** Adds a whole block (a response body, or a stream's `content_block_start`, filled by `delta`). */
  add(
    key: string,
    block: { type: string; thinking?: string | null; signature?: string | null; data?: string | null },
  ): void {
    let kept: ThinkingBlock | undefined;
    if (block.type === "thinking") {
      kept = { type: "thinking", thinking: block.thinking ?? "", signature: block.signature ?? "" };
    } else if (block.type === "redacted_thinking") {
      kept = { type: "redacted_thinking", data: block.data ?? "" };
    }
    if (!kept) return;
    this.#pending.push(kept);
    this.#byKey.set(key, kept);
  }

  /** Appends a stream's `thinking_delta` text or sets its `signature_delta` for the block `key`. */
  delta(key: string, delta: { thinking?: string | null; signature?: string | null }): void {
    const block = this.#byKey.get(key);
    if (block?.type !== "thinking") return;
    block.thinking += delta.thinking ?? "";
    if (delta.signature) block.signature = delta.signature;
  }

  /** The `providerMetadata` for the next tool call: the blocks since the previous call, if any. */
  forNextCall(): ToolMessage["providerMetadata"] | undefined {
    if (this.#pending.length === 0) return undefined;
    const thinking = this.#pending;
    this.#pending = [];
    return { anthropic: { thinking } };
  }
}

/** The thinking blocks stored on a tool call by `ThinkingBlocks` (none for calls of other providers). */
export function thinkingOf(tool: ToolMessage): ThinkingBlock[] {
  const blocks = tool.providerMetadata?.anthropic?.thinking;
  return Array.isArray(blocks) ? (blocks as ThinkingBlock[]) : [];
}
