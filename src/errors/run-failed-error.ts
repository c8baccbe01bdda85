import { FairwayError, type SerializedError } from "./fairway-error.js";

/**
 * The run failed for good. Thrown by `waitForRun`; `error` is the run's stored error (also the `cause`),
 * so `error.code` tells why (e.g. `"step_failed"`, `"non_determinism"`, `"limit_exceeded"`).
 */
export class RunFailedError extends FairwayError {
  readonly runId: string;
  readonly error: SerializedError;

  constructor(runId: string, error: SerializedError) {
    super("run_failed", `Run ${runId} failed: ${error.message}`, { cause: error });
    this.runId = runId;
    this.error = error;
  }
}
