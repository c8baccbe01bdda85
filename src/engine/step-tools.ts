/**
 * The `step` object of one execution: each tool identifies the call (deterministic id, order check) and
 * either returns the memoized result or does the work. See DESIGN.md §3 "Steps".
 *
 * @module
 */

import { toMs } from "./durations.js";
import type { Execution } from "./execution.js";
import { serialize } from "./serializer.js";
import { checkStepArguments } from "./step-arguments.js";
import { runStep } from "./step-run.js";
import type { EventPayload, StepTools } from "./step-types.js";
import { waitForEventStep } from "./step-wait-for-event.js";
import { invokeStep, sleepStep, untilMs } from "./step-waits.js";

/** Builds the step tools bound to `exec`. */
export function createStepTools(exec: Execution): StepTools {
  const tools: StepTools = {
    run: (id, body) => runStep(exec, id, body),
    sleep: (id, duration) => {
      const ms = exec.guard(() => toMs(duration, `step.sleep("${id}")`, "duration"));
      return sleepStep(exec, id, (now) => now + ms);
    },
    sleepUntil: (id, until) => {
      const at = exec.guard(() => untilMs(until, `step.sleepUntil("${id}")`, exec.now()));
      return sleepStep(exec, id, () => at);
    },
    waitForEvent: (id, options) => waitForEventStep(exec, id, options),
    invoke: (id, options) => invokeStep(exec, id, options),
    sendEvent: (id, events) => sendEventStep(exec, id, events),
  };
  return yieldWhenClosing(exec, tools);
}

/**
 * Wraps each tool: a call inside a `step.run` body, or with arguments of the wrong shape, fails the run
 * (fatal ValidationError), and once the engine is closing a step call suspends the run instead of running.
 */
function yieldWhenClosing(exec: Execution, tools: StepTools): StepTools {
  const wrapped = {} as Record<keyof StepTools, unknown>;
  for (const [name, tool] of Object.entries(tools) as Array<
    [keyof StepTools, (...args: never[]) => unknown]
  >) {
    const label = `step.${name}`;
    wrapped[name] = (...args: never[]) => {
      try {
        exec.refuseNested(label, args[0]);
        checkStepArguments(name, args);
      } catch (error) {
        // Either check's error fails the run (`refuseNested` has doomed it already; dooming twice is one).
        return Promise.reject(exec.doom(error as Error));
      }
      return exec.closing ? exec.suspend({ kind: "yield", at: exec.now() }) : tool(...args);
    };
  }
  return wrapped as unknown as StepTools;
}

/** `step.sendEvent`: sends once and memoizes the ids (at-least-once if the process dies mid-send). */
async function sendEventStep(
  exec: Execution,
  id: string,
  events: EventPayload | EventPayload[],
): Promise<{ ids: string[] }> {
  const call = exec.begin(id, "sendEvent");
  if (call.memo?.status === "completed")
    return exec.output(await exec.settled(call.memo)) as { ids: string[] };
  exec.enter();
  try {
    const startedAt = exec.now();
    const result = await exec.deps.sendEvents(Array.isArray(events) ? events : [events]);
    const row = exec.row(call, "sendEvent", {
      status: "completed",
      inputText: serialize(events, `step.sendEvent("${call.identity.name}")`),
      outputText: serialize(result, `step.sendEvent("${call.identity.name}")`),
      attempts: 1,
      startedAt,
      endedAt: exec.now(),
    });
    await exec.settled(row, (numbered) => exec.checkpoint(numbered));
    return result;
  } finally {
    exec.leave();
  }
}
