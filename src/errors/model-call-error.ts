import { FairwayError } from "./fairway-error.js";

/** Structured facts about a failed model call; every field but `provider` and `model` is optional. */
export interface ModelCallErrorDetails {
  /** Provider / wire format id, e.g. `"openai-chat"`, `"anthropic"`. */
  provider: string;
  /** Model name as sent to the provider. */
  model: string;
  /** HTTP status, when the provider answered. */
  status?: number;
  /** True for 408/409/429/5xx, network errors and timeouts: the same request may succeed later. */
  isRetryable: boolean;
  /** Delay the provider asked for (`Retry-After` / `retry-after-ms`), in ms. */
  retryAfterMs?: number;
  /** The provider's error message, kept verbatim. */
  providerMessage?: string;
  /** The raw response body (text), when there was one. */
  responseBody?: string;
  cause?: unknown;
}

/**
 * A call to a model provider failed. The message names the provider and the model and keeps the
 * provider's own message. `isRetryable` and `retryAfterMs` say whether and when to try again; use
 * `toStepFailure` (from `fairway-agents/models`) to turn it into the engine's retry control errors.
 */
export class ModelCallError extends FairwayError {
  readonly provider: string;
  readonly model: string;
  readonly status: number | undefined;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly providerMessage: string | undefined;
  readonly responseBody: string | undefined;

  constructor(message: string, details: ModelCallErrorDetails, code = "model_call_failed") {
    super(code, `${details.provider} model "${details.model}": ${message}`, { cause: details.cause });
    this.provider = details.provider;
    this.model = details.model;
    this.status = details.status;
    this.isRetryable = details.isRetryable;
    this.retryAfterMs = details.retryAfterMs;
    this.providerMessage = details.providerMessage;
    this.responseBody = details.responseBody;
  }
}
