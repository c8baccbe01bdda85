import { FairwayError } from "./fairway-error.js";

/**
 * Throw from a step (or a handler) to retry it after a given delay instead of the backoff table.
 * `retryAfter` is ms (number), an `ms`-style duration string (`"30s"`, `"5m"`) or a `Date`; the engine
 * resolves it to `retryAfterMs` against its clock and clamps it to 1 s – 24 h (Inngest's bounds).
 * The attempt still counts against the step's retries.
 */
export class RetryAfterError extends FairwayError {
  readonly retryAfter: number | string | Date;

  constructor(message: string, retryAfter: number | string | Date, options?: { cause?: unknown }) {
    super("retry_after", message, options);
    this.retryAfter = retryAfter;
  }
}
