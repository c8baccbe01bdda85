/**
 * The research desk's offline model: implements Fairway's `Model` contract with the deterministic,
 * non-neural policy of `offline-policy.ts` (search → read the best file → quote the best passage with its
 * source). It is NOT an LLM and says so: in its `modelName`, at the start of every answer, and in logs.
 * It streams text and tool-call arguments through `onDelta` like a provider adapter does.
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
import { decide, type OfflineAction } from "./offline-policy.js";

/** Options of {@link offlineModel}. */
export interface OfflineModelOptions {
  /**
   * Simulated time each turn takes, in ms (default 0). Only there so a demo shows runs overlapping the way
   * they do with a real provider; it is part of the model name so nobody mistakes it for inference.
   */
  latencyMs?: number;
  /** How to wait `ms` (default: a timer). Tests inject their own. */
  sleep?: (ms: number) => Promise<void>;
}

/** Text deltas are emitted in pieces of about this many characters. */
const DELTA_CHARS = 48;

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A call id unique within the conversation and identical on replay: a hash of the conversation so far. */
function callId(messages: readonly Message[]): string {
  return `offline_${createHash("sha256").update(JSON.stringify(messages)).digest("hex").slice(0, 16)}`;
}

function toResponse(action: OfflineAction, messages: readonly Message[]): ModelResponse {
  if (action.kind === "answer") {
    return {
      output: [{ type: "text", role: "assistant", content: action.text, stop_reason: "stop" }],
      stopReason: "stop",
      usage: {},
      raw: { policy: "offline-keyword-policy", action },
    };
  }
  const tool = { type: "tool" as const, id: callId(messages), name: action.name, input: { ...action.input } };
  return {
    output: [{ type: "tool_call", role: "assistant", tools: [tool], stop_reason: "tool" }],
    stopReason: "tool",
    usage: {},
    raw: { policy: "offline-keyword-policy", action },
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

/**
 * Creates the offline model. `format` is `"offline"`; `modelName` reads
 * `"keyword-policy (offline, not an LLM)"`, plus the simulated latency when one is set.
 *
 * @throws ConfigError when `latencyMs` is negative or not finite.
 * @example
 * const model = offlineModel({ latencyMs: 100 });
 * const agent = createAgent({ name: "Researcher", system: "…", model, tools });
 */
export function offlineModel(options: OfflineModelOptions = {}): Model {
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new ConfigError(
      "offlineModel.latencyMs",
      "must be a finite number of milliseconds >= 0",
      latencyMs,
    );
  }
  const sleep = options.sleep ?? defaultSleep;
  const suffix = latencyMs > 0 ? `, simulated ${latencyMs} ms per turn` : "";
  return {
    format: "offline",
    modelName: `keyword-policy (offline, not an LLM${suffix})`,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      request.signal?.throwIfAborted();
      if (latencyMs > 0) await sleep(latencyMs);
      request.signal?.throwIfAborted();
      const response = toResponse(decide(request.messages, request.tools ?? []), request.messages);
      if (request.onDelta) await stream(response, request.onDelta);
      return response;
    },
  };
}
