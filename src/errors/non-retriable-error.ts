import { FairwayError } from "./fairway-error.js";

/**
 * Throw from a step (or a handler) to fail it at once, without using the remaining retries.
 * Inside `step.run` the step fails for good and a `StepError` reaches the handler.
 * Semantics follow Inngest's `NonRetriableError`.
 */
export class NonRetriableError extends FairwayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("non_retriable", message, options);
  }
}
