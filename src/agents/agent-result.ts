import { createHash } from "node:crypto";
import { brandClass } from "../engine/process-singleton.js";
import type { Message, ToolResultMessage } from "./types.js";

/** The portable form of an `AgentResult`, as stored by thread stores and sent to clients. */
export interface AgentResultExport {
  agentName: string;
  output: Message[];
  toolCalls: ToolResultMessage[];
  createdAt: Date;
  checksum: string;
  /** The validated answer of an agent with an output schema. */
  structuredOutput?: unknown;
}

/**
 * What one agent call produced: the model's `output` messages and the `toolCalls` results of that turn
 * (AgentKit's `AgentResult`, same constructor argument order).
 *
 * `checksum` is the SHA-256 (node:crypto, hex) of the JSON of `[output, toolCalls, createdAt]`; thread
 * stores use it with `id` to write idempotently. AgentKit uses xxhash64 over the same fields, so checksums
 * differ between the two libraries but are stable within Fairway.
 *
 * `structuredOutput` is the validated answer of an agent with an output schema (`createAgent({ output })`),
 * typed `O`; `undefined` for agents without one.
 */
export class AgentResult<O = unknown> {
  /** The validated JSON answer (agents with an `output` schema only). */
  structuredOutput: O = undefined as O;

  constructor(
    public agentName: string,
    public output: Message[],
    public toolCalls: ToolResultMessage[],
    public createdAt: Date,
    /** The prompt messages sent (system, user, prefill), for inspection. */
    public prompt: Message[] = [],
    /** The history messages sent after or before the prompt, for inspection. */
    public history: Message[] = [],
    /** The provider's raw response, JSON-encoded. */
    public raw = "",
    /** A stable id for this result (deterministic inside durable runs). */
    public id?: string,
  ) {}

  /**
   * Computed on each read, so it always matches the current `output`, `toolCalls` and `createdAt` (a hook
   * may read it before the turn's tool results are added; AgentKit's memoized value then went stale).
   */
  get checksum(): string {
    const text = JSON.stringify([this.output, this.toolCalls, this.createdAt.toISOString()]);
    return createHash("sha256").update(text).digest("hex");
  }

  export(): AgentResultExport {
    return {
      agentName: this.agentName,
      output: this.output,
      toolCalls: this.toolCalls,
      createdAt: this.createdAt,
      checksum: this.checksum,
      ...(this.structuredOutput !== undefined ? { structuredOutput: this.structuredOutput } : {}),
    };
  }

  /** The result as a plain object (what `JSON.stringify` and the engine's serializer store). */
  toJSON(): AgentResultLike & { createdAt: Date } {
    return {
      agentName: this.agentName,
      output: this.output,
      toolCalls: this.toolCalls,
      createdAt: this.createdAt,
      prompt: this.prompt,
      history: this.history,
      raw: this.raw,
      ...(this.id !== undefined ? { id: this.id } : {}),
      ...(this.structuredOutput !== undefined ? { structuredOutput: this.structuredOutput } : {}),
    };
  }

  /**
   * Rebuilds an AgentResult from its JSON form (as returned by a step or loaded from a store);
   * an AgentResult is returned as is. `createdAt` may be a Date, an ISO string or ms since epoch.
   */
  static from(value: AgentResult | AgentResultLike): AgentResult {
    if (value instanceof AgentResult) return value;
    const result = new AgentResult(
      value.agentName,
      value.output ?? [],
      value.toolCalls ?? [],
      new Date(value.createdAt ?? 0),
      value.prompt ?? [],
      value.history ?? [],
      value.raw ?? "",
      value.id,
    );
    if (value.structuredOutput !== undefined) result.structuredOutput = value.structuredOutput;
    return result;
  }
}

// `instanceof AgentResult` holds for one made by another copy of this module (dual-package hazard).
brandClass(AgentResult, "AgentResult");

/** An AgentResult that went through JSON. */
export interface AgentResultLike {
  agentName: string;
  output?: Message[];
  toolCalls?: ToolResultMessage[];
  createdAt?: Date | string | number;
  prompt?: Message[];
  history?: Message[];
  raw?: string;
  id?: string;
  structuredOutput?: unknown;
}
