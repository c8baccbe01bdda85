import { OpenAiChatModel } from "./openai-chat/model.js";
import { findApiKey, loadApiKey } from "./shared/api-key.js";
import { callSettings, joinUrl, type TransportOptions } from "./shared/settings.js";
import type { Model } from "./spec.js";

/** OpenAI's public API base URL. */
export const openAiBaseUrl = "https://api.openai.com/v1";

/** Options of `openai()`: AgentKit's names, plus Fairway's transport options. */
export interface OpenAiOptions extends TransportOptions {
  /** Model name, e.g. `"gpt-4o"` (or the local server's model name). */
  model: string;
  /** API key. @default process.env.OPENAI_API_KEY, read at each call */
  apiKey?: string;
  /**
   * Base URL of any OpenAI-compatible server; `/chat/completions` is appended. With a base URL other
   * than OpenAI's, a key is optional (local servers such as Ollama, vLLM, llama.cpp, LM Studio need none).
   * @default "https://api.openai.com/v1"
   */
  baseUrl?: string;
  /** Extra body fields sent with every request (`temperature`, `max_completion_tokens`, …). */
  defaultParameters?: Record<string, unknown>;
}

/**
 * A model on OpenAI's chat-completions API, or on any server that speaks it (`baseUrl`).
 * Sends `Authorization: Bearer <key>`. Streams over SSE when the request has `onDelta`.
 *
 * @throws ConfigError for an empty `model`; each call throws `MissingApiKeyError` when no key is found
 *   for OpenAI itself, and `ModelCallError` on failure.
 * @example
 * const model = openai({ model: "gpt-4o" });
 * const local = openai({ model: "llama3.2", baseUrl: "http://127.0.0.1:11434/v1" });
 */
export function openai(options: OpenAiOptions): Model {
  const settings = callSettings("openai-chat", options.model, options);
  const baseUrl = options.baseUrl ?? openAiBaseUrl;
  const keyRequired = baseUrl.replace(/\/+$/, "") === openAiBaseUrl;
  const source = {
    apiKey: options.apiKey,
    envVar: "OPENAI_API_KEY",
    provider: "openai-chat",
    model: settings.model,
  };
  return new OpenAiChatModel({
    format: "openai-chat",
    settings,
    url: joinUrl(baseUrl, "/chat/completions"),
    headers: (): Record<string, string> => {
      const key = keyRequired ? loadApiKey(source) : findApiKey(source);
      return key === undefined ? {} : { authorization: `Bearer ${key}` };
    },
    defaultParameters: options.defaultParameters ?? {},
    allowStrict: true,
  });
}
