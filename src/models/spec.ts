/**
 * The model contract: what an agent asks of a model and what it gets back. Type-only.
 *
 * Every provider adapter (`src/models/<format>/`) implements `Model`; so do the scripted test model
 * (`fairway-agents/testing`) and the offline model of the examples. Message shapes are AgentKit's
 * (`TextMessage | ToolCallMessage | ToolResultMessage`), so adapters map exactly these to each wire format.
 *
 * @module
 */
import type { z } from "zod";

/** A tool invocation as the model asked for it: `input` is the parsed argument object. */
export interface ToolMessage {
  type: "tool";
  /** Unique within the conversation (adapters make provider ids unique where a provider repeats them). */
  id: string;
  name: string;
  input: Record<string, unknown>;
  /**
   * Set when the model's argument text could not be used (malformed or empty JSON, or not an object):
   * says why and names the tool. `input` is then `{}`; the caller must not run the tool and should
   * answer the call with an `{ error }` tool result instead.
   */
  inputError?: string;
  /**
   * Opaque data a provider attached to the call that must be sent back with it, by provider id
   * (`{ gemini: { thoughtSignature } }`, `{ anthropic: { thinking: [blocks] } }`). Keep it when storing
   * history; never edit it.
   */
  providerMetadata?: Record<string, Record<string, unknown>>;
}

/** Plain text from the system, the user or the assistant. */
export interface TextMessage {
  type: "text";
  role: "system" | "user" | "assistant";
  content: string | Array<{ type: "text"; text: string }>;
  stop_reason?: "tool" | "stop";
}

/** One assistant turn that calls one or more tools (all calls of the turn, in order). */
export interface ToolCallMessage {
  type: "tool_call";
  role: "user" | "assistant";
  tools: ToolMessage[];
  stop_reason: "tool";
}

/**
 * The result of one tool call, paired with its call through `tool.id`.
 * `content` is `{ data }` on success or `{ error }` when the tool failed (AgentKit's convention).
 */
export interface ToolResultMessage {
  type: "tool_result";
  role: "tool_result";
  tool: ToolMessage;
  content: unknown;
  stop_reason: "tool";
}

/** One entry of a conversation (AgentKit's message union). */
export type Message = TextMessage | ToolCallMessage | ToolResultMessage;

/** A JSON Schema object (draft 2020-12 subset) as produced by `z.toJSONSchema` or given by an MCP server. */
export type JsonSchema = { [key: string]: unknown };

/** A tool as the model sees it. Adapters convert `parameters` to each provider's schema dialect. */
export interface ToolDefinition {
  /** The tool's own name; adapters map names a provider rejects (dots, length) reversibly. */
  name: string;
  description?: string;
  /** A zod schema or a JSON Schema object; absent means the tool takes no arguments. */
  parameters?: z.ZodType | JsonSchema;
  /** OpenAI strict mode (structured outputs for tool arguments). Default: provider's default. */
  strict?: boolean;
}

/** `"auto"`: the model decides; `"any"`: it must call some tool; any other string: it must call that tool. */
export type ToolChoice = "auto" | "any" | (string & {});

/** Token counts as reported by the provider; absent fields were not reported. */
export interface Usage {
  /** Prompt tokens (Anthropic: cache reads and writes included). */
  inputTokens?: number;
  /** Generated tokens (Gemini: thought tokens included). */
  outputTokens?: number;
  /**
   * Input tokens read from the provider's prompt cache (part of `inputTokens`): OpenAI
   * `prompt_tokens_details.cached_tokens`, Anthropic `cache_read_input_tokens`, Gemini
   * `cachedContentTokenCount`.
   */
  cachedInputTokens?: number;
}

/** Why the model stopped. `tool`: it called tools; `length`: hit max tokens; `other`: anything else. */
export type StopReason = "stop" | "tool" | "length" | "content_filter" | "other";

/**
 * Incremental output while a response streams. `partId` groups deltas of one text part or one tool call
 * and equals the final tool call id for tool calls.
 */
export type ModelDelta =
  | { type: "text.delta"; partId: string; delta: string }
  | { type: "tool_call.started"; partId: string; toolName: string }
  | { type: "tool_call.arguments.delta"; partId: string; delta: string };

/**
 * A request for a JSON answer matching a schema (structured output). Each adapter uses its provider's
 * native mode: OpenAI `response_format: {type: "json_schema"}` (strict where the provider allows it),
 * Gemini `generationConfig.responseSchema` with `responseMimeType: "application/json"` (a required
 * function `name` when tools are offered too), Anthropic a required tool named `name` whose input is the
 * answer. Every adapter returns the answer as one assistant text message holding the JSON; the caller
 * validates it.
 */
export interface OutputFormat {
  /** Schema name sent to the provider (OpenAI `json_schema.name`, Anthropic's tool name): `^[A-Za-z0-9_-]{1,64}$`. */
  name: string;
  description?: string;
  /** A zod 4 schema or a JSON Schema object; its root must describe an object. */
  schema: z.ZodType | JsonSchema;
}

/** One call to a model: the conversation so far, the tools offered and how to answer. */
export interface ModelRequest {
  /** The conversation, system messages first. */
  messages: Message[];
  /** Tools offered; empty or absent means none. */
  tools?: ToolDefinition[];
  /** Default `"auto"`; ignored when there are no tools. */
  toolChoice?: ToolChoice;
  /** Ask for a JSON answer matching a schema (see `OutputFormat`). */
  output?: OutputFormat;
  /** When set, the adapter streams (SSE) and calls this for each delta as it arrives. */
  onDelta?: (delta: ModelDelta) => void;
  signal?: AbortSignal;
}

/** The model's turn: its messages, why it stopped and the tokens it used. */
export interface ModelResponse {
  /** Text messages and at most one `tool_call` message holding every call of the turn. */
  output: Message[];
  stopReason: StopReason;
  usage: Usage;
  /**
   * The provider's response body (non-streaming); when streamed, `{ streamed: true, ... }` with the
   * provider's own final stop reason (and usage, where the stream reports it).
   */
  raw: unknown;
}

/**
 * A model a Fairway agent can call.
 *
 * `generate` throws `ModelCallError` (from `src/errors`) on failure, with `isRetryable` and
 * `retryAfterMs` set, naming the provider and model in its message.
 */
export interface Model {
  /** Wire format / provider id, e.g. `"openai-chat"`, `"anthropic"`, `"gemini"`, `"grok"`, `"azure-openai"`. */
  readonly format: string;
  /** Model name as sent to the provider, e.g. `"gpt-4o"`. */
  readonly modelName: string;
  generate(request: ModelRequest): Promise<ModelResponse>;
}
