import { FairwayError, type SerializedError, serializeError } from "./fairway-error.js";

/**
 * An attempt of a `step.run` never recorded its outcome: its process died inside the step (SIGKILL, out of
 * memory, a native crash) or lost the run's lease. Found when the run is claimed again, it counts as one
 * of the step's `retries + 1` attempts; when it was the last one, the step fails with this error (the cause
 * of the `StepError` the handler gets, which it may catch; uncaught, it fails the run and runs `onFailure`).
 * `stepId` is the step's id as the handler wrote it, `attempts` the attempts used, `crashes` how many of the
 * last attempts in a row ended this way.
 */
export class StepCrashedError extends FairwayError {
  readonly stepId: string;
  readonly attempts: number;
  readonly crashes: number;

  constructor(stepId: string, attempts: number, crashes: number) {
    super(
      "step_crashed",
      `Step "${stepId}" was interrupted ${crashes} time(s) in a row: its process died (or lost the run's lease) ` +
        `during the step. ${attempts} attempt(s) used. If the step kills its process (memory, a native crash), ` +
        "make it lighter or move the work out of process.",
    );
    this.stepId = stepId;
    this.attempts = attempts;
    this.crashes = crashes;
  }

  /** The stored form, with `data: { stepId, attempts, crashes }` so the next claim can count on. */
  override toJSON(): SerializedError {
    return {
      ...serializeError(this),
      data: { stepId: this.stepId, attempts: this.attempts, crashes: this.crashes },
    };
  }

  /** The crashes in a row recorded in a stored error (0 when it is not a `step_crashed` error). */
  static crashesIn(error: SerializedError | undefined): number {
    const crashes = error?.code === "step_crashed" ? error.data?.crashes : undefined;
    return typeof crashes === "number" ? crashes : 0;
  }
}
