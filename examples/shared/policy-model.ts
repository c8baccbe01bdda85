/**
 * Offline models for the examples: Fairway's `Model` contract answered by a deterministic, non-neural
 * policy (a plain function of the request), so every example runs with no key and no network. Such a model
 * is NOT an LLM and says so: in its `modelName` (`"<name> (offline, not an LLM)"`), and each example's
 * policy starts its answers with `OFFLINE_LABEL`. It streams text and tool-call arguments through
 * `onDelta` as a provider adapter does, and its tool-call ids are a hash of the conversation, so they are
 * unique within it and identical on replay.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  ConfigError,
  type Message,
  type Model,
  type ModelDelta,
  type ModelRequest,
  type ModelResponse,
} from "../../src/index.js";

/** The label offline answers start with. */
export const OFFLINE_LABEL = "[offline, not an LLM]";

/** What a policy does next: answer with text, or call tools. */
export type PolicyAction =
  | { text: string }
  | { toolCalls: Array<{ name: string; input: Record<string, unknown> }> };

/** Options of {@link policyModel}. */
export interface PolicyModelOptions {
  /** Names the policy in `modelName`, e.g. `"keyword-policy"`. */
  name: string;
  /** The decision rule: a pure function of the request (messages and tools offered). */
  decide: (request: ModelRequest) => PolicyAction;
  /**
   * Simulated time each turn takes, in ms (default 0), so a demo shows runs overlapping as they do with a
   * real provider; it is part of the model name so nobody mistakes it for inference.
   */
  latencyMs?: number;
  /** How to wait `ms` (default: a timer). Tests inject their own. */
  sleep?: (ms: number) => Promise<void>;
}

/** Text deltas are emitted in pieces of about this many characters. */
const DELTA_CHARS = 48;

/**
 * Creates an offline policy model. `format` is `"offline"`.
 *
 * @throws ConfigError (`latencyMs`) when `latencyMs` is negative or not finite.
 * @example
 * const model = policyModel({ name: "echo-policy", decide: () => ({ text: `${OFFLINE_LABEL} hello` }) });
 */
export function policyModel(options: PolicyModelOptions): Model {
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new ConfigError("latencyMs", "must be a finite number of milliseconds >= 0", latencyMs);
  }
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const suffix = latencyMs > 0 ? `, simulated ${latencyMs} ms per turn` : "";
  return {
    format: "offline",
    modelName: `${options.name} (offline, not an LLM${suffix})`,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      request.signal?.throwIfAborted();
      if (latencyMs > 0) await sleep(latencyMs);
      request.signal?.throwIfAborted();
      const action = options.decide(request);
      const response = toResponse(options.name, action, request.messages);
      if (request.onDelta) await stream(response, request.onDelta);
      return response;
    },
  };
}

function toResponse(policy: string, action: PolicyAction, messages: readonly Message[]): ModelResponse {
  if ("text" in action) {
    return {
      output: [{ type: "text", role: "assistant", content: action.text, stop_reason: "stop" }],
      stopReason: "stop",
      usage: {},
      raw: { policy, action },
    };
  }
  const base = createHash("sha256").update(JSON.stringify(messages)).digest("hex").slice(0, 16);
  const tools = action.toolCalls.map((call, index) => ({
    type: "tool" as const,
    id: `offline_${base}_${index}`,
    name: call.name,
    input: { ...call.input },
  }));
  return {
    output: [{ type: "tool_call", role: "assistant", tools, stop_reason: "tool" }],
    stopReason: "tool",
    usage: {},
    raw: { policy, action },
  };
}

/** Emits the response as deltas, yielding to the event loop between pieces as a network stream would. */
async function stream(response: ModelResponse, onDelta: (delta: ModelDelta) => void): Promise<void> {
  for (const message of response.output) {
    if (message.type === "text" && typeof message.content === "string") {
      for (let i = 0; i < message.content.length; i += DELTA_CHARS) {
        onDelta({ type: "text.delta", partId: "text_0", delta: message.content.slice(i, i + DELTA_CHARS) });
        await new Promise((resolve) => setImmediate(resolve));
      }
    } else if (message.type === "tool_call") {
      for (const tool of message.tools) {
        onDelta({ type: "tool_call.started", partId: tool.id, toolName: tool.name });
        onDelta({ type: "tool_call.arguments.delta", partId: tool.id, delta: JSON.stringify(tool.input) });
      }
    }
  }
}

/** The text of a message's content, whether a string or a list of text parts. */
export function textOf(content: string | Array<{ type: "text"; text: string }>): string {
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

/** The last user text message of a conversation (`""` when there is none). */
export function lastUserText(messages: readonly Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.type === "text" && message.role === "user") return textOf(message.content);
  }
  return "";
}

/** The system prompt of a conversation (its first system message). */
export function systemText(messages: readonly Message[]): string {
  const system = messages.find((message) => message.type === "text" && message.role === "system");
  return system?.type === "text" ? textOf(system.content) : "";
}

/**
 * The `data` of the latest successful result of tool `name` in the conversation (`undefined` when there is
 * none or it failed).
 */
export function latestToolData(messages: readonly Message[], name: string): unknown {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.type !== "tool_result" || message.tool.name !== name) continue;
    const content = message.content;
    if (content && typeof content === "object" && "data" in content)
      return (content as { data: unknown }).data;
    return undefined;
  }
  return undefined;
}
