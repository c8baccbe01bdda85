import { FairwayError } from "./fairway-error.js";

/** The run was cancelled (`fairway.cancelRun`, or a cancel rule). Thrown by `waitForRun`; `reason` if given. */
export class RunCancelledError extends FairwayError {
  readonly runId: string;
  readonly reason: string | undefined;

  constructor(runId: string, reason?: string) {
    super("run_cancelled", `Run ${runId} was cancelled${reason ? `: ${reason}` : "."}`);
    this.runId = runId;
    this.reason = reason;
  }
}
