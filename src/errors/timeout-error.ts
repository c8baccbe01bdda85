import { FairwayError } from "./fairway-error.js";

/**
 * Something did not finish within its time limit: `what` names it (e.g. `step.invoke("child")`, `waitForRun`),
 * `timeoutMs` is the limit in ms. Inside a run (an invoke timing out) it reaches the handler as a StepError's cause.
 */
export class TimeoutError extends FairwayError {
  readonly what: string;
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super("timeout", `${what} did not finish within ${timeoutMs} ms.`);
    this.what = what;
    this.timeoutMs = timeoutMs;
  }
}
