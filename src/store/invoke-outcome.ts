/**
 * What an invoked run's end gives its parent's `step.invoke`: the run's output, or its error (a cancelled
 * run: a RunCancelledError). Every store applies it inside `finishRun`/`cancelRun`, in the same transaction
 * as the run's end, so a process that dies right after a child ends never leaves its parent waiting.
 *
 * @module
 */
import { RunCancelledError, RunSkippedError, serializeError } from "../errors/index.js";
import type { ResolveStepInput, RunRecord } from "./store.js";

/**
 * The resolution of `run.parent`'s invoke step for the ended `run` (a skipped one: a RunSkippedError with
 * its reason), or `undefined` if it has no parent.
 */
export function invokeOutcome(run: RunRecord, now: number): ResolveStepInput | undefined {
  if (!run.parent) return undefined;
  const step = { runId: run.parent.runId, stepId: run.parent.stepId, now };
  if (run.status === "completed") {
    return run.outputText === undefined
      ? { ...step, status: "completed" }
      : { ...step, status: "completed", outputText: run.outputText };
  }
  const error =
    run.status === "cancelled"
      ? serializeError(new RunCancelledError(run.id, run.cancelReason))
      : run.status === "skipped"
        ? serializeError(new RunSkippedError(run.functionId, run.id, run.skipReason ?? "skipped"))
        : (run.error ?? { name: "Error", message: `invoked run ended as ${run.status}` });
  return { ...step, status: "failed", error };
}
