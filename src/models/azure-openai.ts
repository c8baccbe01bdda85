import { ConfigError } from "../errors/config-error.js";
import { OpenAiChatModel } from "./openai-chat/model.js";
import { loadApiKey } from "./shared/api-key.js";
import { callSettings, joinUrl, type TransportOptions } from "./shared/settings.js";
import type { Model } from "./spec.js";

/** Options of `azureOpenai()`: AgentKit's names, plus Fairway's transport options. */
export interface AzureOpenAiOptions extends TransportOptions {
  /** Model name (reported in errors and sent as `model`; Azure routes by `deployment`). */
  model: string;
  /** Resource endpoint, e.g. `"https://my-resource.openai.azure.com"`. */
  endpoint: string;
  /** Deployment name. */
  deployment: string;
  /** API version query parameter, e.g. `"2024-10-21"`. */
  apiVersion: string;
  /** API key. @default process.env.AZURE_OPENAI_API_KEY, read at each call */
  apiKey?: string;
  /** Extra body fields sent with every request. */
  defaultParameters?: Record<string, unknown>;
}

/**
 * A model deployed on Azure OpenAI: POSTs to
 * `{endpoint}/openai/deployments/{deployment}/chat/completions?api-version={apiVersion}` with an `api-key`
 * header (OpenAI chat-completions format).
 *
 * @throws ConfigError for an empty `model`, `endpoint`, `deployment` or `apiVersion`; calls throw
 *   `MissingApiKeyError` (option `apiKey`, env `AZURE_OPENAI_API_KEY`) or `ModelCallError`.
 * @example azureOpenai({ model: "gpt-4o", endpoint: "https://x.openai.azure.com", deployment: "gpt-4o", apiVersion: "2024-10-21" })
 */
export function azureOpenai(options: AzureOpenAiOptions): Model {
  const settings = callSettings("azure-openai", options.model, options);
  for (const field of ["endpoint", "deployment", "apiVersion"] as const) {
    const value = options[field];
    if (typeof value !== "string" || value.trim() === "")
      throw new ConfigError(field, "must be a non-empty string", value);
  }
  const path = `/openai/deployments/${encodeURIComponent(options.deployment)}/chat/completions`;
  const source = {
    apiKey: options.apiKey,
    envVar: "AZURE_OPENAI_API_KEY",
    provider: "azure-openai",
    model: settings.model,
  };
  return new OpenAiChatModel({
    format: "azure-openai",
    settings,
    url: `${joinUrl(options.endpoint, path)}?api-version=${encodeURIComponent(options.apiVersion)}`,
    headers: () => ({ "api-key": loadApiKey(source) }),
    defaultParameters: options.defaultParameters ?? {},
    allowStrict: true,
  });
}
