import type { Message, ModelDelta, StopReason, ToolMessage, Usage } from "../spec.js";
import { CallerError } from "./http.js";
import { ToolCallIds } from "./tool-call-ids.js";
import type { ToolNameMap } from "./tool-names.js";

/** Turns a tool's argument text into input; `name` is the Fairway tool name. */
export type ArgumentParser = (name: string, text: string) => Pick<ToolMessage, "input" | "inputError">;

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
  providerMetadata?: ToolMessage["providerMetadata"];
}

/**
 * Collects the parts of one model turn, from a whole response or from stream events, into Fairway
 * messages, and reports each piece to `onDelta` as it arrives. Parts are keyed by the provider's
 * position (block or tool index): a repeated start for a known key is ignored, so a stream that re-sends
 * a call never duplicates it (pitfall R15). Tool-call ids come from `ToolCallIds`; tool names are mapped
 * back through the request's `ToolNameMap`.
 */
export class ResponseAssembler {
  readonly usage: Usage = {};
  readonly #texts = new Map<string, { partId: string; text: string }>();
  readonly #calls = new Map<string, PendingCall>();
  readonly #ids: ToolCallIds;

  constructor(
    history: readonly Message[],
    private readonly names: ToolNameMap,
    private readonly parseArguments: ArgumentParser,
    private readonly onDelta?: (delta: ModelDelta) => void,
  ) {
    this.#ids = new ToolCallIds(history);
  }

  /** Appends text to the text part `key`. Empty deltas are ignored. */
  text(key: string, delta: string): void {
    if (delta === "") return;
    let part = this.#texts.get(key);
    if (!part) {
      part = { partId: `text_${this.#texts.size}`, text: "" };
      this.#texts.set(key, part);
    }
    part.text += delta;
    this.#emit({ type: "text.delta", partId: part.partId, delta });
  }

  /**
   * Starts the tool call `key`; returns its Fairway id. A second start for the same key changes nothing.
   * `providerMetadata` is kept on the call (see `ToolMessage.providerMetadata`).
   */
  toolStart(
    key: string,
    providerId: string | null | undefined,
    providerName: string,
    providerMetadata?: ToolMessage["providerMetadata"],
  ): string {
    const known = this.#calls.get(key);
    if (known) return known.id;
    const call: PendingCall = {
      id: this.#ids.assign(providerId, this.#calls.size),
      name: this.names.fromProvider(providerName),
      arguments: "",
    };
    if (providerMetadata) call.providerMetadata = providerMetadata;
    this.#calls.set(key, call);
    this.#emit({ type: "tool_call.started", partId: call.id, toolName: call.name });
    return call.id;
  }

  /** Appends argument text to the tool call `key` (ignored when the call was never started). */
  toolArguments(key: string, delta: string): void {
    const call = this.#calls.get(key);
    if (!call || delta === "") return;
    call.arguments += delta;
    this.#emit({ type: "tool_call.arguments.delta", partId: call.id, delta });
  }

  /** Reports a delta to `onDelta`; what the callback throws is wrapped in `CallerError` (see `callProvider`). */
  #emit(delta: ModelDelta): void {
    if (!this.onDelta) return;
    try {
      this.onDelta(delta);
    } catch (error) {
      throw new CallerError(error);
    }
  }

  /** True when the turn has at least one tool call. */
  get hasToolCalls(): boolean {
    return this.#calls.size > 0;
  }

  /** The turn's stop reason: `tool` whenever tools were called, otherwise the provider's mapped reason. */
  stopReason(mapped: StopReason): StopReason {
    return this.hasToolCalls ? "tool" : mapped;
  }

  /** Text messages (non-blank parts, in order) and one `tool_call` message with every call, if any. */
  output(): Message[] {
    const stop = this.hasToolCalls ? "tool" : "stop";
    const out: Message[] = [];
    for (const part of this.#texts.values()) {
      if (part.text.trim() !== "")
        out.push({ type: "text", role: "assistant", content: part.text, stop_reason: stop });
    }
    if (this.hasToolCalls) {
      const tools = [...this.#calls.values()].map(
        (call): ToolMessage => ({
          type: "tool",
          id: call.id,
          name: call.name,
          ...this.parseArguments(call.name, call.arguments),
          ...(call.providerMetadata ? { providerMetadata: call.providerMetadata } : {}),
        }),
      );
      out.push({ type: "tool_call", role: "assistant", tools, stop_reason: "tool" });
    }
    return out;
  }
}
