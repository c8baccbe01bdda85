/**
 * Model providers: helpers that build a `Model` for OpenAI, Anthropic, Gemini, Grok, Azure OpenAI and
 * any OpenAI-compatible server, plus the model contract types. See `docs/models.md`.
 *
 * @module
 */
export { InvalidResponseError } from "../errors/invalid-response-error.js";
export { MissingApiKeyError } from "../errors/missing-api-key-error.js";
export { ModelCallError, type ModelCallErrorDetails } from "../errors/model-call-error.js";
export { type AnthropicOptions, anthropic } from "./anthropic.js";
export { type AzureOpenAiOptions, azureOpenai } from "./azure-openai.js";
export { type GeminiOptions, gemini } from "./gemini.js";
export { type GrokOptions, grok } from "./grok.js";
export { type OpenAiOptions, openai } from "./openai.js";
export type { TransportOptions } from "./shared/settings.js";
export type {
  JsonSchema,
  Message,
  Model,
  ModelDelta,
  ModelRequest,
  ModelResponse,
  StopReason,
  TextMessage,
  ToolCallMessage,
  ToolChoice,
  ToolDefinition,
  ToolMessage,
  ToolResultMessage,
  Usage,
} from "./spec.js";
export { toStepFailure } from "./step-failure.js";
