/**
 * `onFailure`: a run that fails for good sends `fairway/function.failed`, which triggers the `<id>-failure`
 * function that `onFailure` registers. The engine stores that event, and the runs it starts, in the same
 * transaction that marks the run failed (`FinishInput.send`), so a process dying right after the failure
 * never loses its `onFailure` run.
 *
 * @module
 */
import { ConfigError, type SerializedError } from "../errors/index.js";
import type { RunRecord } from "../store/store.js";
import { type NormalizedFunctionConfig, normalizeFunctionConfig } from "./function-config.js";
import type { EventPayload } from "./step-types.js";

/** Event sent when a run fails for good; `onFailure` handlers are triggered by it. */
export const FUNCTION_FAILED_EVENT = "fairway/function.failed";

/**
 * Config of the function that `onFailure` registers: `<id>-failure`, triggered by the failure event of
 * `config.id`, 1 retry. Throws ConfigError naming `onFailure` when that id is not valid (too long).
 */
export function failureFunctionConfig(config: NormalizedFunctionConfig): NormalizedFunctionConfig {
  const id = `${config.id}-failure`;
  try {
    return normalizeFunctionConfig({
      id,
      name: `${config.name} (failure)`,
      triggers: [
        { event: FUNCTION_FAILED_EVENT, if: `event.data.function_id == ${JSON.stringify(config.id)}` },
      ],
      retries: 1,
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError("onFailure", `needs a failure function "${id}", and ${error.message}`);
  }
}

/**
 * The failure event of `run`, which failed with `error`: data `function_id`, `run_id`, `error` (with its
 * `cause`), `event` (the trigger) and `events`.
 */
export function failureEvent(run: RunRecord, error: SerializedError): EventPayload {
  return {
    name: FUNCTION_FAILED_EVENT,
    data: {
      function_id: run.functionId,
      run_id: run.id,
      error,
      event: run.events[0],
      events: run.events,
    },
  };
}
