import type {
  Message,
  Model,
  ModelRequest,
  ModelResponse,
  StopReason,
  ToolMessage,
  Usage,
} from "../models/spec.js";
import { chunkText } from "../streaming/streaming-context.js";

/** One scripted model answer. */
export interface ScriptedReply {
  /** Assistant text. */
  text?: string;
  /** Tool calls of the turn, in order. `id` defaults to `call_<turn>_<index>`. */
  toolCalls?: Array<{ name: string; input?: Record<string, unknown>; id?: string; inputError?: string }>;
  /** Default: `"tool"` when there are tool calls, else `"stop"`. */
  stopReason?: StopReason;
  usage?: Usage;
  /** Delay before answering, ms. Default: the model's `delayMs`. */
  delayMs?: number;
  /** Throw this instead of answering (e.g. a `ModelCallError`). */
  error?: Error;
}

/** A scripted turn: text, a reply, or a function of the request (for routers and content-driven tests). */
export type ScriptedTurn =
  | string
  | ScriptedReply
  | ((request: ModelRequest, turn: number) => string | ScriptedReply | Promise<string | ScriptedReply>);

/** Options of `scriptedModel`. */
export interface ScriptedModelOptions {
  /** Default delay of each answer, ms. Default 0 (answers on the next microtask, no timer). */
  delayMs?: number;
  /** Characters per streamed delta when the request has `onDelta`. Default 4. */
  chunkSize?: number;
  /** After the last turn: `"error"` (default) throws; `"repeat"` answers with the last turn again. */
  whenExhausted?: "error" | "repeat";
  modelName?: string;
}

/** A request as the scripted model recorded it: messages deep-copied at call time, tools by definition. */
export type RecordedRequest = Omit<ModelRequest, "onDelta" | "signal"> & { streamed: boolean };

/**
 * A `Model` that answers from a script and records every request it receives — for tests and benchmarks
 * of agents, tools and networks without a provider. When the request has `onDelta` it streams text and
 * tool-call arguments in `chunkSize` pieces before returning, as a real adapter does.
 *
 * @example
 * const model = scriptedModel([{ toolCalls: [{ name: "add", input: { a: 1, b: 2 } }] }, "3"]);
 * await agent.run("1+2?", { model, maxIter: 2 });
 * model.requests[1].messages; // [..., tool_call, tool_result]
 */
export class ScriptedModel implements Model {
  readonly format = "scripted";
  readonly modelName: string;
  readonly requests: RecordedRequest[] = [];
  readonly #turns: ScriptedTurn[];
  readonly #options: ScriptedModelOptions;

  constructor(turns: ScriptedTurn[], options: ScriptedModelOptions = {}) {
    this.#turns = turns;
    this.#options = options;
    this.modelName = options.modelName ?? "scripted";
  }

  /** How many requests were made. */
  get calls(): number {
    return this.requests.length;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const turn = this.requests.length;
    const { onDelta, signal: _signal, ...rest } = request;
    this.requests.push({
      ...rest,
      messages: structuredClone(request.messages),
      streamed: onDelta !== undefined,
    });
    const script = this.#turnAt(turn);
    const answer = typeof script === "function" ? await script(request, turn) : script;
    const reply: ScriptedReply = typeof answer === "string" ? { text: answer } : answer;
    const delay = reply.delayMs ?? this.#options.delayMs ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (reply.error) throw reply.error;
    const calls: ToolMessage[] = (reply.toolCalls ?? []).map((call, index) => ({
      type: "tool",
      id: call.id ?? `call_${turn}_${index}`,
      name: call.name,
      input: call.input ?? {},
      ...(call.inputError !== undefined ? { inputError: call.inputError } : {}),
    }));
    if (onDelta) this.#stream(onDelta, turn, reply.text, calls);
    const output: Message[] = [];
    if (reply.text !== undefined)
      output.push({
        type: "text",
        role: "assistant",
        content: reply.text,
        stop_reason: calls.length ? "tool" : "stop",
      });
    if (calls.length > 0)
      output.push({ type: "tool_call", role: "assistant", tools: calls, stop_reason: "tool" });
    return {
      output,
      stopReason: reply.stopReason ?? (calls.length > 0 ? "tool" : "stop"),
      usage: reply.usage ?? {},
      raw: { scripted: turn },
    };
  }

  #turnAt(turn: number): ScriptedTurn {
    const script =
      this.#turns[turn] ?? (this.#options.whenExhausted === "repeat" ? this.#turns.at(-1) : undefined);
    if (script === undefined) {
      throw new Error(
        `ScriptedModel: no scripted turn for request #${turn + 1} (the script has ${this.#turns.length})`,
      );
    }
    return script;
  }

  #stream(
    onDelta: NonNullable<ModelRequest["onDelta"]>,
    turn: number,
    text: string | undefined,
    calls: ToolMessage[],
  ): void {
    const size = this.#options.chunkSize ?? 4;
    if (text)
      for (const piece of chunkText(text, size, true))
        onDelta({ type: "text.delta", partId: `text_${turn}`, delta: piece });
    for (const call of calls) {
      onDelta({ type: "tool_call.started", partId: call.id, toolName: call.name });
      for (const piece of chunkText(JSON.stringify(call.input), size, true)) {
        onDelta({ type: "tool_call.arguments.delta", partId: call.id, delta: piece });
      }
    }
  }
}

/** Creates a `ScriptedModel`. */
export function scriptedModel(turns: ScriptedTurn[], options?: ScriptedModelOptions): ScriptedModel {
  return new ScriptedModel(turns, options);
}
