import { OpenAiChatModel } from "./openai-chat/model.js";
import { loadApiKey } from "./shared/api-key.js";
import { callSettings, joinUrl, type TransportOptions } from "./shared/settings.js";
import type { Model } from "./spec.js";

/** Options of `grok()`: AgentKit's names, plus Fairway's transport options. */
export interface GrokOptions extends TransportOptions {
  /** Model name, e.g. `"grok-3"`. */
  model: string;
  /** API key. @default process.env.XAI_API_KEY, read at each call */
  apiKey?: string;
  /** @default "https://api.x.ai/v1" */
  baseUrl?: string;
  /** Extra body fields sent with every request. */
  defaultParameters?: Record<string, unknown>;
}

/**
 * A model on xAI's API (OpenAI chat-completions format). Sends `Authorization: Bearer <key>`; tool
 * `strict` is never sent (xAI does not support it).
 *
 * @throws ConfigError for an empty `model`; calls throw `MissingApiKeyError` (option `apiKey`, env
 *   `XAI_API_KEY`) or `ModelCallError`.
 * @example const model = grok({ model: "grok-3" });
 */
export function grok(options: GrokOptions): Model {
  const settings = callSettings("grok", options.model, options);
  const source = { apiKey: options.apiKey, envVar: "XAI_API_KEY", provider: "grok", model: settings.model };
  return new OpenAiChatModel({
    format: "grok",
    settings,
    url: joinUrl(options.baseUrl ?? "https://api.x.ai/v1", "/chat/completions"),
    headers: () => ({ authorization: `Bearer ${loadApiKey(source)}` }),
    defaultParameters: options.defaultParameters ?? {},
    allowStrict: false,
  });
}
