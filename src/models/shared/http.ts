import { InvalidResponseError } from "../../errors/invalid-response-error.js";
import { ModelCallError } from "../../errors/model-call-error.js";
import { isJsonObject, parseJson } from "./json.js";

/** What every provider call needs besides its body: who is called, how, and the limits. */
export interface CallSettings {
  /** Provider / format id used in error messages, e.g. `"openai-chat"`. */
  provider: string;
  model: string;
  fetch: typeof globalThis.fetch;
  /** Whole-call limit (connect, answer and body or stream), in ms. */
  timeoutMs: number;
  /** Clock for `Retry-After` dates, in ms since the epoch. */
  now: () => number;
}

/** One POST to a provider: full URL, auth headers, the JSON body and the caller's abort signal. */
export interface ProviderRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal?: AbortSignal;
}

/**
 * POSTs `request.body` as JSON and hands a 2xx response to `consume`, mapping every failure to a
 * `ModelCallError` that names provider and model:
 * - 408, 409, 429 and 5xx: retryable; `retry-after-ms` or `Retry-After` (seconds or HTTP date) sets
 *   `retryAfterMs`;
 * - other statuses: not retryable; the provider's own message (`error.message` or `error` of the JSON
 *   body, else the body text) is kept; a 404's message also shows the URL called, without its query;
 * - network failures and `settings.timeoutMs` expiring (also while `consume` reads the body): retryable;
 * - `request.signal` aborting: not retryable.
 * `ModelCallError`s pass through unchanged, and so does the error inside a `CallerError` (thrown by the
 * caller's own callback, e.g. `onDelta`: not a provider failure, so never retried as one).
 */
export async function callProvider<T>(
  settings: CallSettings,
  request: ProviderRequest,
  consume: (response: Response) => Promise<T>,
): Promise<T> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), settings.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
  try {
    const response = await settings.fetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...request.headers },
      body: JSON.stringify(request.body),
      signal,
    });
    if (!response.ok) throw await statusError(settings, response, request.url);
    return await consume(response);
  } catch (error) {
    if (error instanceof ModelCallError) throw error;
    if (error instanceof CallerError) throw error.error;
    const details = { provider: settings.provider, model: settings.model, cause: error };
    if (request.signal?.aborted)
      throw new ModelCallError("the call was aborted", { ...details, isRetryable: false });
    if (timeout.signal.aborted) {
      throw new ModelCallError(`no complete answer within ${settings.timeoutMs} ms`, {
        ...details,
        isRetryable: true,
      });
    }
    // What is left failed in fetch or while reading the body (undici: TypeError "fetch failed" or
    // "terminated"; an injected fetch may throw anything).
    throw new ModelCallError(`network error: ${describe(error)}`, { ...details, isRetryable: true });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Carries an error thrown by the caller's own code during a call (an `onDelta` callback), so that
 * `callProvider` rethrows it as it was instead of reporting a network failure.
 */
export class CallerError {
  constructor(readonly error: unknown) {}
}

/** An error's message, with its cause's message (undici puts the socket error there). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

/** Reads a 2xx body as JSON; an empty, non-JSON or non-object body is an `InvalidResponseError`. */
export async function readJsonObject(
  settings: CallSettings,
  response: Response,
): Promise<Record<string, unknown>> {
  const text = await response.text();
  const parsed = parseJson(text);
  if (!parsed.ok)
    throw new InvalidResponseError(
      settings.provider,
      settings.model,
      `body is not JSON (${parsed.error})`,
      text,
    );
  if (!isJsonObject(parsed.value))
    throw new InvalidResponseError(settings.provider, settings.model, "body is not a JSON object", text);
  return parsed.value;
}

/** 408, 409, 429 and 5xx: the same request may succeed later. Also used for status codes inside streams. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

async function statusError(settings: CallSettings, response: Response, url: string): Promise<ModelCallError> {
  const text = await response.text().catch(() => "");
  const status = response.status;
  const isRetryable = isRetryableStatus(status);
  const providerMessage = providerErrorMessage(text);
  const retryAfterMs = isRetryable ? retryAfter(response.headers, settings.now) : undefined;
  let message = `HTTP ${status}: ${providerMessage || response.statusText || "no message"}`;
  // A 404 usually means a wrong baseUrl or model name: show where the call went (without the query).
  if (status === 404) message += ` (POST ${url.split("?")[0]})`;
  return new ModelCallError(message, {
    provider: settings.provider,
    model: settings.model,
    status,
    isRetryable,
    retryAfterMs,
    providerMessage,
    responseBody: text,
  });
}

/**
 * The message of a provider error body. OpenAI, Azure, Anthropic and Gemini all use
 * `{ error: { message } }`; some OpenAI-compatible servers send `{ error: "text" }`.
 */
export function providerErrorMessage(text: string): string {
  const parsed = parseJson(text);
  if (parsed.ok && isJsonObject(parsed.value)) {
    const error = parsed.value.error;
    if (typeof error === "string") return error;
    if (isJsonObject(error) && typeof error.message === "string") return error.message;
    if (typeof parsed.value.message === "string") return parsed.value.message;
  }
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

/** `retry-after-ms` (OpenAI) or `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), in ms. */
function retryAfter(headers: Headers, now: () => number): number | undefined {
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (value.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}
