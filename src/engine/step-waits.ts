/**
 * The step tools that wait for time or for something outside the run: `sleep`/`sleepUntil` and `invoke`
 * here, `waitForEvent` in `step-wait-for-event.ts`. Each records a pending step row and suspends the run;
 * the step is resolved by its timer (a sleep, a timeout) or from outside (a matching event, the child run's
 * end), exactly once: the store only replaces a row that is still `waiting`.
 *
 * @module
 */
import {
  NotFoundError,
  RunSkippedError,
  StepError,
  serializeError,
  TimeoutError,
  ValidationError,
} from "../errors/index.js";
import type { NewRun, RunRecord, StepRow, StoredEvent } from "../store/store.js";
import { MAX_DURATION_MS, toMs } from "./durations.js";
import { validateEventData } from "./event-validation.js";
import type { Execution, Suspension } from "./execution.js";
import { backlogKey } from "./ready-queue.js";
import { serialize } from "./serializer.js";
import type { FairwayEvent, InvokeOptions } from "./step-types.js";

/** Name of the event an invoked run receives. */
export const INVOKED_EVENT = "fairway/function.invoked";
const DEFAULT_INVOKE_TIMEOUT_MS = 365 * 24 * 60 * 60 * 1000;

/** `step.sleep` (duration from now) and `step.sleepUntil` (a time). A time not in the future resolves at once. */
export async function sleepStep(exec: Execution, id: string, until: (now: number) => number): Promise<void> {
  const call = exec.begin(id, "sleep");
  const memo = call.memo;
  if (memo?.status === "completed") {
    await exec.settled(memo);
    return;
  }
  const now = exec.now();
  const wakeAt = memo?.wakeAt ?? until(now);
  if (wakeAt <= now) {
    const row = exec.row(call, "sleep", {
      status: "completed",
      startedAt: memo?.startedAt ?? now,
      endedAt: now,
    });
    await exec.settled(row, (numbered) => exec.checkpoint(numbered));
    return;
  }
  if (memo) return exec.suspend({ kind: "sleep", at: wakeAt });
  const row = exec.row(call, "sleep", { status: "sleeping", wakeAt });
  exec.memo.set(row.id, row);
  return exec.suspend({ kind: "sleep", at: wakeAt, row });
}

/**
 * Resolves a `sleepUntil` argument to ms; throws ValidationError naming the step for an invalid date or one
 * more than 365 days after `now` (the longest sleep, as for `step.sleep`).
 */
export function untilMs(value: Date | string | number, what: string, now: number): number {
  const at = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : value;
  if (typeof at !== "number" || !Number.isFinite(at)) {
    throw new ValidationError(what, [{ path: "until", message: "must be a Date, an ISO date string or ms" }]);
  }
  if (at - now > MAX_DURATION_MS) {
    throw new ValidationError(what, [{ path: "until", message: "must be at most 365 days ahead" }]);
  }
  return at;
}

/** An event as a handler sees it: the sender's `id` when given, else Fairway's. */
export function toHandlerEvent(event: StoredEvent): FairwayEvent {
  const out: FairwayEvent = {
    name: event.name,
    data: event.data,
    id: event.userId ?? event.id,
    ts: event.ts,
  };
  if (event.v !== undefined) out.v = event.v;
  return out;
}

/** `step.invoke`: a child run of another function; the parent waits without holding a slot. */
export async function invokeStep<T>(exec: Execution, id: string, options: InvokeOptions<T>): Promise<T> {
  const call = exec.begin(id, "invoke");
  const memo = call.memo;
  if (memo?.status === "completed") return exec.output(await exec.settled(memo)) as T;
  if (memo?.status === "failed") {
    await exec.settled(memo);
    throw new StepError(memo.name, memo.error ?? { name: "Error", message: "" });
  }
  if (memo) return exec.replaying(memo.id, () => awaitPending(exec, memo, "invoke", undefined)) as Promise<T>;
  const what = `step.invoke("${call.identity.name}")`;
  const functionId = typeof options.function === "string" ? options.function : options.function?.id;
  const target = functionId === undefined ? undefined : exec.deps.findFunction(functionId);
  if (!target) throw exec.doom(new NotFoundError("function", String(functionId)));
  const timeoutMs = exec.guard(() =>
    options.timeout === undefined ? DEFAULT_INVOKE_TIMEOUT_MS : toMs(options.timeout, what, "timeout"),
  );
  // The child's event data is checked and carried as JSON like a sent event's (fatal when it is not).
  const data = exec.guard(() => validateEventData(options.data ?? {}, what));
  const now = exec.now();
  const eventId = exec.deps.newId();
  const event = { id: eventId, name: INVOKED_EVENT, data, ts: now, receivedAt: now };
  const inputText = serialize({ function: target.id, data: event.data, timeoutMs }, what);
  const row = exec.row(call, "invoke", { status: "waiting", inputText, wakeAt: now + timeoutMs });
  exec.memo.set(row.id, row);
  const child: RunRecord = {
    id: exec.deps.newId(),
    functionId: target.id,
    status: "queued" as const,
    eventIds: [eventId],
    events: [{ name: event.name, data: event.data, id: eventId, ts: now }],
    attempt: 0,
    createdAt: now,
    readyAt: now,
    eventSeq: 0,
    backlogKey: backlogKey(target.id),
    parent: { runId: exec.run.id, stepId: row.id },
  };
  // Flow control admits the child when the suspension is written (`admitInvoked`), not here.
  return exec.suspend({
    kind: "invoke",
    at: row.wakeAt as number,
    row,
    awaiting: row.id,
    children: { now, events: [event], runs: [{ run: child, eventIndex: 0 }] },
  });
}

/**
 * Flow control's admission (`admit`) of the child runs of an invoke suspension, right before the store
 * writes them with the parent's suspension. A skipped child (rate limit, idempotency, singleton skip) is
 * stored as skipped and its parent's invoke step is written failed at once with a RunSkippedError naming
 * the child's function and the reason: the parent resumes now and the handler gets a StepError.
 */
export function admitInvoked(
  suspension: Suspension,
  admit: (run: RunRecord) => NewRun,
  now: number,
): Suspension {
  if (!suspension.children) return suspension;
  const runs = suspension.children.runs.map((entry) => ({ ...entry, ...admit(entry.run) }));
  const admitted = { ...suspension, children: { ...suspension.children, runs } };
  const skipped = runs.find((entry) => entry.run.status === "skipped")?.run;
  if (!skipped || !suspension.row) return admitted;
  const cause = new RunSkippedError(skipped.functionId, skipped.id, skipped.skipReason ?? "skipped");
  const { wakeAt: _timeout, ...row } = suspension.row;
  return {
    ...admitted,
    at: now,
    row: { ...row, status: "failed", error: serializeError(cause), endedAt: now },
  };
}

/**
 * A wait or invoke found pending on replay: suspend again until its timeout, or, once the timeout has
 * passed, resolve it as timed out (unless something resolved it first: then use that).
 */
export async function awaitPending(
  exec: Execution,
  memo: StepRow,
  kind: "wait" | "invoke",
  timeoutValue: null | undefined,
): Promise<unknown> {
  const now = exec.now();
  const timeoutAt = memo.wakeAt ?? now;
  if (timeoutAt > now) return exec.suspend({ kind, at: timeoutAt, awaiting: memo.id });
  const timeout =
    kind === "wait"
      ? { status: "completed" as const, outputText: serialize(timeoutValue, "waitForEvent timeout") }
      : {
          status: "failed" as const,
          error: serializeError(new TimeoutError(`step.invoke("${memo.name}")`, timeoutAt - memo.startedAt)),
        };
  const won = await exec.write((lease) =>
    exec.deps.store.resolveStep({
      runId: exec.run.id,
      stepId: memo.id,
      ...timeout,
      ...(kind === "wait" ? { waitId: `${exec.run.id}:${memo.id}` } : {}),
      now: lease.now,
      owner: lease.owner,
    }),
  );
  const timedOut: StepRow = { ...memo, ...timeout, endedAt: now };
  const resolved = won
    ? timedOut
    : (await exec.write(() => exec.deps.store.getSteps(exec.run.id))).find((step) => step.id === memo.id);
  if (!resolved || resolved.status === "waiting") return exec.suspend({ kind, at: now, awaiting: memo.id });
  const row = await exec.settled(resolved);
  if (row.status === "failed") throw new StepError(row.name, row.error ?? { name: "Error", message: "" });
  return exec.output(row);
}
