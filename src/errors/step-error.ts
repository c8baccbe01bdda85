import { FairwayError, type SerializedError } from "./fairway-error.js";

/**
 * A step failed for good (its retries ran out, or it threw a `NonRetriableError`). Thrown into the handler
 * at the `await step.*(...)` of that step, on first execution and on every replay; the handler may catch it.
 * `stepId` is the step's id as the handler wrote it (with its `:n` repeat suffix); `error` is the stored
 * form of the original error, which is also this error's `cause`.
 */
export class StepError extends FairwayError {
  readonly stepId: string;
  readonly error: SerializedError;

  constructor(stepId: string, error: SerializedError) {
    super("step_failed", `Step "${stepId}" failed: ${error.message}`, { cause: error });
    this.stepId = stepId;
    this.error = error;
  }
}
