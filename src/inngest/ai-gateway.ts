/**
 * `step.ai.infer` (op `AIGateway`): Inngest's server, not the app, makes the model call. The op carries
 * `{ url, headers, auth_key, format, body }`; Fairway POSTs `body` to `url` with the format's auth header
 * and returns the provider's JSON reply, which the SDK hands back to the app. Failures map like Fairway's
 * own model calls (`toStepFailure`): 429/5xx and network errors retry (honouring `Retry-After`), other
 * 4xx fail the step at once.
 *
 * @module
 */
import { ValidationError } from "../errors/validation-error.js";
import { callProvider, readJsonObject } from "../models/shared/http.js";
import { toStepFailure } from "../models/step-failure.js";

/** Settings of the gateway. */
export interface AiGatewayOptions {
  fetch: typeof globalThis.fetch;
  /** Limit for one model call, in ms. */
  timeoutMs: number;
  now: () => number;
  /**
   * URL prefixes to rewrite before calling: `{ "https://api.openai.com/v1/": "http://127.0.0.1:11434/v1/" }`
   * sends the app's `openai()` models to a local OpenAI-compatible server. Longest prefix wins.
   */
  baseUrls: Record<string, string>;
}

/** Auth headers per AgentKit / `@inngest/ai` model format. */
const AUTH_HEADERS: Record<string, (key: string) => Record<string, string>> = {
  "openai-chat": (key) => ({ authorization: `Bearer ${key}` }),
  grok: (key) => ({ authorization: `Bearer ${key}` }),
  "azure-openai": (key) => ({ "api-key": key }),
  anthropic: (key) => ({ "x-api-key": key, "anthropic-version": "2023-06-01" }),
  gemini: () => ({}),
};

/**
 * Runs one `AIGateway` op. @throws ValidationError naming the op field when `opts` lacks `url`/`body`;
 * the model call's failures as step failures (see the module doc).
 */
export async function inferThroughGateway(
  options: AiGatewayOptions,
  opts: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { url, body, format, headers, auth_key: authKey } = opts;
  if (typeof url !== "string" || typeof body !== "object" || body === null) {
    throw new ValidationError("step.ai.infer op", [
      { path: typeof url !== "string" ? "opts.url" : "opts.body", message: "is required" },
    ]);
  }
  const auth =
    typeof authKey === "string" && authKey !== "" ? (AUTH_HEADERS[String(format)]?.(authKey) ?? {}) : {};
  const extra = typeof headers === "object" && headers !== null ? (headers as Record<string, string>) : {};
  const settings = {
    provider: typeof format === "string" ? format : "ai-gateway",
    model: String((body as { model?: unknown }).model ?? ""),
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    now: options.now,
  };
  try {
    return await callProvider(
      settings,
      { url: rewrite(url, options.baseUrls), headers: { ...auth, ...extra }, body },
      (response) => readJsonObject(settings, response),
    );
  } catch (error) {
    throw toStepFailure(error);
  }
}

function rewrite(url: string, baseUrls: Record<string, string>): string {
  const prefix = Object.keys(baseUrls)
    .filter((candidate) => url.startsWith(candidate))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix === undefined) return url;
  const base = baseUrls[prefix] ?? prefix;
  const joined = prefix.endsWith("/") && !base.endsWith("/") ? `${base}/` : base;
  return `${joined}${url.slice(prefix.length)}`;
}
