import { ModelCallError } from "../errors/model-call-error.js";
import { NonRetriableError } from "../errors/non-retriable-error.js";
import { RetryAfterError } from "../errors/retry-after-error.js";

/**
 * Maps a model call failure to the engine's retry control inside a step: a non-retryable
 * `ModelCallError` (4xx other than 408/409/429, missing key, abort) → `NonRetriableError`; a retryable
 * one with `retryAfterMs` → `RetryAfterError` with that delay; anything else is returned unchanged (the
 * step's normal backoff applies). The original error is kept as `cause`.
 *
 * @example
 * await step.run("infer", () => model.generate(request).catch((error) => { throw toStepFailure(error); }));
 */
export function toStepFailure(error: unknown): unknown {
  if (!(error instanceof ModelCallError)) return error;
  if (!error.isRetryable) return new NonRetriableError(error.message, { cause: error });
  if (error.retryAfterMs !== undefined)
    return new RetryAfterError(error.message, error.retryAfterMs, { cause: error });
  return error;
}
