import { ConfigError } from "../errors/config-error.js";
import { AnthropicModel } from "./anthropic/model.js";
import { loadApiKey } from "./shared/api-key.js";
import { callSettings, joinUrl, type TransportOptions } from "./shared/settings.js";
import type { Model } from "./spec.js";

/** Default `max_tokens` when `defaultParameters.max_tokens` is not given. */
export const anthropicDefaultMaxTokens = 4096;

/** Options of `anthropic()`: AgentKit's names, plus Fairway's transport options. */
export interface AnthropicOptions extends TransportOptions {
  /** Model name, e.g. `"claude-sonnet-4-5"`. */
  model: string;
  /** API key. @default process.env.ANTHROPIC_API_KEY, read at each call */
  apiKey?: string;
  /** Base URL; `/messages` is appended. @default "https://api.anthropic.com/v1" */
  baseUrl?: string;
  /** Sent as the `anthropic-beta` header, comma-separated. */
  betaHeaders?: string[];
  /** Extra body fields; `max_tokens` (a positive integer) is required by the API. @default { max_tokens: 4096 } */
  defaultParameters?: { max_tokens?: number; [key: string]: unknown };
}

/**
 * A model on Anthropic's Messages API. Sends `x-api-key`, `anthropic-version: 2023-06-01` and, with
 * `betaHeaders`, `anthropic-beta`. Streams over SSE when the request has `onDelta`.
 *
 * @throws ConfigError for an empty `model` or a `max_tokens` that is not a positive integer; calls throw
 *   `MissingApiKeyError` (option `apiKey`, env `ANTHROPIC_API_KEY`) or `ModelCallError`.
 * @example const model = anthropic({ model: "claude-sonnet-4-5", defaultParameters: { max_tokens: 1024 } });
 */
export function anthropic(options: AnthropicOptions): Model {
  const settings = callSettings("anthropic", options.model, options);
  const defaultParameters = { max_tokens: anthropicDefaultMaxTokens, ...options.defaultParameters };
  if (!Number.isInteger(defaultParameters.max_tokens) || defaultParameters.max_tokens <= 0) {
    throw new ConfigError(
      "defaultParameters.max_tokens",
      "must be a positive integer",
      defaultParameters.max_tokens,
    );
  }
  const source = {
    apiKey: options.apiKey,
    envVar: "ANTHROPIC_API_KEY",
    provider: "anthropic",
    model: settings.model,
  };
  const beta: Record<string, string> = options.betaHeaders?.length
    ? { "anthropic-beta": options.betaHeaders.join(",") }
    : {};
  return new AnthropicModel({
    settings,
    url: joinUrl(options.baseUrl ?? "https://api.anthropic.com/v1", "/messages"),
    headers: () => ({ "x-api-key": loadApiKey(source), "anthropic-version": "2023-06-01", ...beta }),
    defaultParameters,
  });
}
