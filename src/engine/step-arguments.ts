/**
 * Shape checks of step tool arguments, made before a step is identified: a step id is a non-empty string,
 * `step.run` gets a function, `sleep`/`sleepUntil` a second argument, `waitForEvent` an event name,
 * `invoke` a function (or its id). Durations and
 * expressions are checked by each tool (they name their own fields).
 *
 * @module
 */
import { ValidationError, type ValidationIssue } from "../errors/index.js";
import { EVENT_NAME_RULE, isEventName } from "../flow/config/event-name.js";
import type { StepTools } from "./step-types.js";

/** Throws ValidationError naming `step.<tool>("<id>")` and each bad field (`id`, `fn`, `options`, …). */
export function checkStepArguments(tool: keyof StepTools, args: readonly unknown[]): void {
  const [id, second] = args;
  const issues: ValidationIssue[] = [];
  if (typeof id !== "string" || id === "") issues.push({ path: "id", message: "must be a non-empty string" });
  if (tool === "run" && typeof second !== "function") {
    issues.push({ path: "fn", message: "must be a function" });
  } else if ((tool === "sleep" || tool === "sleepUntil") && args.length < 2) {
    // step.sleep("1s") took the duration for the id, as Inngest's step.sleep(id, duration) would.
    const [path, noun] = tool === "sleep" ? ["duration", "duration"] : ["until", "time"];
    issues.push({ path, message: `is missing: the first argument is the step id, the ${noun} comes second` });
  } else if (tool === "waitForEvent" || tool === "invoke") {
    if (typeof second !== "object" || second === null) {
      const shape = tool === "invoke" ? "{ function, data?, timeout? }" : "{ event, timeout, if? | match? }";
      issues.push({ path: "options", message: `must be an object ${shape}` });
    } else if (tool === "waitForEvent") {
      const event = (second as { event?: unknown }).event;
      if (!isEventName(event)) issues.push({ path: "event", message: EVENT_NAME_RULE });
    } else if (!isFunctionRef((second as { function?: unknown }).function)) {
      issues.push({ path: "function", message: "must be a function from createFunction, or its id" });
    }
  }
  if (issues.length === 0) return;
  throw new ValidationError(`step.${tool}(${typeof id === "string" ? JSON.stringify(id) : ""})`, issues);
}

function isFunctionRef(value: unknown): boolean {
  if (typeof value === "string") return value !== "";
  const id = typeof value === "object" && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === "string" && id !== "";
}
