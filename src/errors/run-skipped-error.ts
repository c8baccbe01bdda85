import { FairwayError } from "./fairway-error.js";

/**
 * Flow control skipped a run when it was scheduled (rate limit, idempotency, singleton `skip`). A parent's
 * `step.invoke` whose child run was skipped fails with a `StepError` caused by this error. `reason` is the
 * run's `skipReason`, naming the control.
 */
export class RunSkippedError extends FairwayError {
  readonly functionId: string;
  readonly runId: string;
  readonly reason: string;

  constructor(functionId: string, runId: string, reason: string) {
    super("run_skipped", `Run ${runId} of function "${functionId}" was skipped: ${reason}`);
    this.functionId = functionId;
    this.runId = runId;
    this.reason = reason;
  }
}
