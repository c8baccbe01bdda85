/**
 * `step.waitForEvent`: resolves with the first matching event received since the run was scheduled and not
 * yet consumed by this run, or with `null` at its timeout; exactly once (see ARCHITECTURE.md "Waits").
 *
 * @module
 */
import { ConfigError } from "../errors/index.js";
import { type CompiledExpression, compileExpression, matches, matchToExpression } from "../expr/cel.js";
import type { StepRow, StoredEvent } from "../store/store.js";
import { waitMatchKey } from "../store/wait-match.js";
import { toMs } from "./durations.js";
import type { Execution } from "./execution.js";
import { deserialize, serialize } from "./serializer.js";
import type { FairwayEvent, WaitForEventOptions } from "./step-types.js";
import { awaitPending, toHandlerEvent } from "./step-waits.js";

/** What a wait matches: stored as the step's input, so a timed-out wait can look once more. */
interface WaitSpec {
  event: string;
  if?: string;
  timeoutMs: number;
}

/** `step.waitForEvent`. */
export async function waitForEventStep(
  exec: Execution,
  id: string,
  options: WaitForEventOptions,
): Promise<FairwayEvent | null> {
  const call = exec.begin(id, "waitForEvent");
  const memo = call.memo;
  if (memo?.status === "completed") return exec.output(memo) as FairwayEvent | null;
  if (memo) {
    const due = (memo.wakeAt ?? 0) <= exec.now();
    const late =
      due && memo.inputText
        ? await lookForEvent(exec, memo, deserialize(memo.inputText) as WaitSpec)
        : undefined;
    if (late) return late;
    return awaitPending(exec, memo, "wait", null) as Promise<FairwayEvent | null>;
  }
  const what = `step.waitForEvent("${call.identity.name}")`;
  const spec = exec.guard((): WaitSpec => {
    const expression = waitExpression(options, what);
    const timeoutMs = toMs(options.timeout, what, "timeout");
    if (expression !== undefined) compileExpression(expression, `${what}.if`);
    return expression === undefined
      ? { event: options.event, timeoutMs }
      : { event: options.event, if: expression, timeoutMs };
  });
  const pending = exec.row(call, "waitForEvent", {
    status: "waiting",
    inputText: serialize(spec, what),
    wakeAt: exec.now() + spec.timeoutMs,
  });
  const matched = await lookForEvent(exec, pending, spec, options.match);
  if (matched) return matched;
  exec.memo.set(pending.id, pending);
  return exec.suspend({ kind: "wait", at: pending.wakeAt as number, awaiting: pending.id });
}

/**
 * Registers the wait (again) in the store, which first looks through events already received: returns the
 * matched event (step completed and memoized) or `undefined` (the wait is pending). A wait past its timeout
 * only takes events received before the timeout. `matchField` (the `match` option) keys the stored wait so
 * that new events find it by index (`src/store/wait-match.ts`); without it the wait is offered every event
 * of its name.
 */
async function lookForEvent(
  exec: Execution,
  pending: StepRow,
  spec: WaitSpec,
  matchField?: string,
): Promise<FairwayEvent | undefined> {
  const trigger = exec.run.events[0] as FairwayEvent;
  const key = waitMatchKey(trigger, matchField);
  const compiled: CompiledExpression | undefined =
    spec.if === undefined ? undefined : compileExpression(spec.if, "waitForEvent.if");
  const timeoutAt = pending.wakeAt as number;
  const completed = (event: StoredEvent): StepRow => ({
    ...pending,
    status: "completed",
    outputText: serialize(toHandlerEvent(event), `step.waitForEvent("${pending.name}")`),
    eventId: event.id,
    endedAt: exec.now(),
  });
  const registered = await exec.write(
    (lease) =>
      exec.deps.store.registerWait({
        lease,
        wait: {
          id: `${exec.run.id}:${pending.id}`,
          runId: exec.run.id,
          stepId: pending.id,
          eventName: spec.event,
          ...(spec.if === undefined ? {} : { expression: spec.if }),
          triggerEvent: trigger,
          expiresAt: timeoutAt,
          afterSeq: exec.run.eventSeq,
          ...(key === undefined ? {} : { match: key }),
        },
        pending,
        matches: (event) =>
          event.receivedAt <= timeoutAt &&
          (compiled === undefined || matches(compiled, { event: trigger, async: toHandlerEvent(event) })),
        completed,
      }),
    (result) => result.held,
  );
  const matched = registered.held ? registered.event : undefined;
  if (!matched) return undefined;
  const row = completed(matched);
  exec.memo.set(row.id, row);
  return exec.output(row) as FairwayEvent;
}

function waitExpression(options: WaitForEventOptions, what: string): string | undefined {
  if (options.if !== undefined && options.match !== undefined) {
    throw new ConfigError(`${what}.match`, 'cannot be combined with "if": use one of them');
  }
  if (options.match !== undefined) return matchToExpression(options.match, `${what}.match`);
  return options.if;
}
