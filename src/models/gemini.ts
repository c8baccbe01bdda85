import { GeminiModel } from "./gemini/model.js";
import { loadApiKey } from "./shared/api-key.js";
import { callSettings, type TransportOptions } from "./shared/settings.js";
import type { Model } from "./spec.js";

/** Options of `gemini()`: AgentKit's names, plus Fairway's transport options. */
export interface GeminiOptions extends TransportOptions {
  /** Model name, e.g. `"gemini-2.5-flash"` (a leading `models/` is accepted). */
  model: string;
  /** API key. @default process.env.GEMINI_API_KEY, read at each call */
  apiKey?: string;
  /** Base URL up to the API version. @default "https://generativelanguage.googleapis.com/v1beta" */
  baseUrl?: string;
  /** Extra body fields (`generationConfig`, `safetySettings`, …) sent with every request. */
  defaultParameters?: Record<string, unknown>;
}

/**
 * A model on the Gemini API (`models/{model}:generateContent`, or `:streamGenerateContent?alt=sse` when
 * the request has `onDelta`). Sends the key in the `x-goog-api-key` header, never in the URL.
 *
 * @throws ConfigError for an empty `model`; calls throw `MissingApiKeyError` (option `apiKey`, env
 *   `GEMINI_API_KEY`) or `ModelCallError`.
 * @example const model = gemini({ model: "gemini-2.5-flash" });
 */
export function gemini(options: GeminiOptions): Model {
  const settings = callSettings("gemini", options.model, options);
  const source = {
    apiKey: options.apiKey,
    envVar: "GEMINI_API_KEY",
    provider: "gemini",
    model: settings.model,
  };
  return new GeminiModel({
    settings,
    baseUrl: options.baseUrl ?? "https://generativelanguage.googleapis.com/v1beta",
    headers: () => ({ "x-goog-api-key": loadApiKey(source) }),
    defaultParameters: options.defaultParameters ?? {},
  });
}
