import { textOf } from "../models/shared/text.js";
import type { ModelDelta, ModelResponse, ToolMessage } from "../models/spec.js";
import { deriveId } from "./ids.js";
import type { StreamingEventData } from "./schema.js";
import { chunkText, type StreamingContext } from "./streaming-context.js";

/** Identifies the agent message whose parts are being streamed. `seed` makes part ids stable. */
export interface PartScope {
  runId: string;
  messageId: string;
  agentName: string;
  seed: string;
}

/**
 * Streams one inference: turns the model's deltas into `part.created` / `text.delta` /
 * `tool_call.arguments.delta` chunks as they arrive, then `complete()` closes each part with
 * `part.completed`. Output that did not stream (a model without deltas) is published whole at completion.
 * `published` counts the chunks, so a durable replay can skip their sequence numbers.
 */
export class InferenceParts {
  readonly #stream: StreamingContext;
  readonly #scope: PartScope;
  readonly #texts = new Map<string, { partId: string; text: string }>();
  readonly #toolCalls = new Map<string, { partId: string; toolName: string }>();
  readonly #attempt: number;
  #startSequence: number;

  /**
   * `attempt` > 0 when a durable run retries the inference step: part ids and chunk ids then differ from
   * those of the failed attempt (which ended with `part.failed`), so clients never merge the two.
   */
  constructor(stream: StreamingContext, scope: PartScope, attempt = 0) {
    this.#stream = stream;
    this.#attempt = attempt;
    this.#scope = attempt > 0 ? { ...scope, seed: `${scope.seed}#${attempt}` } : scope;
    this.#startSequence = stream.sequence;
  }

  get published(): number {
    return this.#stream.sequence - this.#startSequence;
  }

  readonly onDelta = (delta: ModelDelta): void => {
    if (delta.type === "text.delta") {
      let part = this.#texts.get(delta.partId);
      if (!part) {
        part = { partId: deriveId("text", `${this.#scope.seed}/${delta.partId}`), text: "" };
        this.#texts.set(delta.partId, part);
        this.#created(part.partId, "text");
      }
      part.text += delta.delta;
      this.#delta("text.delta", part.partId, delta.delta);
    } else if (delta.type === "tool_call.started") {
      this.#openToolCall(delta.partId, delta.toolName);
    } else {
      const part = this.#toolCalls.get(delta.partId) ?? this.#openToolCall(delta.partId, "");
      this.#delta("tool_call.arguments.delta", part.partId, delta.delta, part.toolName);
    }
  };

  /** Closes streamed parts and publishes whole any output that did not stream. */
  complete(response: ModelResponse): void {
    const simulate = this.#stream.config.simulateChunking;
    if (this.#texts.size > 0) {
      for (const part of this.#texts.values()) this.#completed(part.partId, "text", part.text);
    } else {
      response.output.forEach((message, index) => {
        if (message.type !== "text" || message.role !== "assistant") return;
        const text = textOf(message.content);
        const partId = deriveId("text", `${this.#scope.seed}/output-${index}`);
        this.#created(partId, "text");
        for (const piece of chunkText(text, 50, simulate)) this.#delta("text.delta", partId, piece);
        this.#completed(partId, "text", text);
      });
    }
    for (const message of response.output) {
      if (message.type !== "tool_call") continue;
      for (const call of message.tools) this.#completeToolCall(call, simulate);
    }
  }

  /** Ends every part opened so far with `part.failed` (the model call failed mid-stream). */
  fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const open = [
      ...[...this.#texts.values()].map((part) => ({ partId: part.partId, type: "text" as const })),
      ...[...this.#toolCalls.values()].map((part) => ({ partId: part.partId, type: "tool-call" as const })),
    ];
    for (const { partId, type } of open) {
      this.#emit("part.failed", { partId, type, ...this.#ids(), metadata: this.#metadata(), error: message });
    }
  }

  #emit<E extends keyof StreamingEventData>(event: E, data: StreamingEventData[E]): void {
    this.#stream.emit(event, data, this.#attempt > 0 ? `a${this.#attempt}` : undefined);
  }

  #completeToolCall(call: ToolMessage, simulate: boolean | undefined): void {
    const streamed = this.#toolCalls.get(call.id);
    const part = streamed ?? this.#openToolCall(call.id, call.name);
    if (!streamed) {
      for (const piece of chunkText(JSON.stringify(call.input), 50, simulate)) {
        this.#delta("tool_call.arguments.delta", part.partId, piece, call.name);
      }
    }
    this.#completed(part.partId, "tool-call", call.input, call.name, call.id);
  }

  #openToolCall(callId: string, toolName: string): { partId: string; toolName: string } {
    const part = { partId: deriveId("tool", `${this.#scope.seed}/${callId}`), toolName };
    this.#toolCalls.set(callId, part);
    this.#created(part.partId, "tool-call", toolName, callId);
    return part;
  }

  #created(partId: string, type: "text" | "tool-call", toolName?: string, toolCallId?: string): void {
    this.#emit("part.created", {
      partId,
      type,
      ...this.#ids(),
      metadata: this.#metadata(toolName, toolCallId),
    });
  }

  #completed(
    partId: string,
    type: "text" | "tool-call",
    finalContent: unknown,
    toolName?: string,
    toolCallId?: string,
  ): void {
    this.#emit("part.completed", {
      partId,
      type,
      ...this.#ids(),
      metadata: this.#metadata(toolName, toolCallId),
      finalContent,
    });
  }

  #delta(
    event: "text.delta" | "tool_call.arguments.delta",
    partId: string,
    delta: string,
    toolName?: string,
  ): void {
    this.#emit(event, {
      partId,
      messageId: this.#scope.messageId,
      delta,
      ...(toolName ? { toolName } : {}),
    });
  }

  #ids(): { runId: string; messageId: string } {
    return { runId: this.#scope.runId, messageId: this.#scope.messageId };
  }

  #metadata(toolName?: string, toolCallId?: string): Record<string, string> {
    return {
      agentName: this.#scope.agentName,
      ...(toolName ? { toolName } : {}),
      ...(toolCallId ? { toolCallId } : {}),
    };
  }
}

/** Publishes a tool's result as a `tool-output` part: created, output delta(s) of the JSON, completed. */
export function publishToolOutput(
  stream: StreamingContext,
  scope: PartScope,
  call: ToolMessage,
  content: unknown,
): void {
  const partId = deriveId("output", `${scope.seed}/${call.id}`);
  const base = { partId, runId: scope.runId, messageId: scope.messageId, type: "tool-output" as const };
  const metadata = { agentName: scope.agentName, toolName: call.name, toolCallId: call.id };
  stream.emit("part.created", { ...base, metadata });
  for (const piece of chunkText(JSON.stringify(content) ?? "null", 80, stream.config.simulateChunking)) {
    stream.emit("tool_call.output.delta", {
      partId,
      messageId: scope.messageId,
      delta: piece,
      toolName: call.name,
    });
  }
  stream.emit("part.completed", { ...base, metadata, finalContent: content });
}
