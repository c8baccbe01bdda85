/**
 * `step.run`: run the body once, checkpoint its serialized result, and hand the handler the round-tripped
 * value. A failed attempt is retried after a backoff (the run suspends and replays); the last failure, or a
 * NonRetriableError, is stored and thrown into the handler as a StepError, on replay too.
 *
 * Each attempt is recorded before its body starts (a `running` row with the attempt counted). A claim that
 * finds a `running` row knows the attempt never recorded its outcome: its process died in the step (or lost
 * the lease). That attempt is spent: the next one starts at once, or, when none is left, the step fails with
 * a StepCrashedError. So a step that kills its process fails after `retries + 1` crashes instead of
 * crash-looping the app.
 *
 * @module
 */
import {
  LimitError,
  NonRetriableError,
  type SerializedError,
  StepCrashedError,
  StepError,
  serializeError,
} from "../errors/index.js";
import { type Execution, MAX_STEP_OUTPUT_BYTES } from "./execution.js";
import { retryDelayMs } from "./retry-backoff.js";
import { roundTrip } from "./serializer.js";
import { inSpanIfTracing } from "./telemetry.js";

/** Implements `step.run(id, fn)` for one execution. A failed attempt leaves the in-flight count in `failAttempt`. */
export async function runStep<T>(
  exec: Execution,
  id: string,
  body: () => T | Promise<T>,
): Promise<Awaited<T>> {
  const call = exec.begin(id, "run");
  const memo = call.memo;
  if (memo?.status === "completed") return exec.output(await exec.settled(memo)) as Awaited<T>;
  if (memo?.status === "failed") {
    await exec.settled(memo);
    throw new StepError(memo.name, memo.error ?? { name: "Error", message: "" });
  }
  if (memo?.status === "retrying" && (memo.wakeAt ?? 0) > exec.now()) {
    return exec.suspend({ kind: "retry", at: memo.wakeAt ?? 0 });
  }
  // A `running` row is an attempt that never recorded its outcome: its process died in it (it counts), or
  // this process abandoned the execution on a store error (it is made again).
  const redo = memo?.status === "running" && exec.resumesAbandoned;
  const attempt = (memo?.attempts ?? 0) - (redo ? 1 : 0);
  const startedAt = memo?.startedAt ?? exec.now();
  const crash = memo?.status === "running" && !redo ? crashOf(call.identity.name, memo) : undefined;
  if (crash && attempt > exec.fn.config.retries) {
    await exec.checkpoint(
      exec.row(call, "run", {
        status: "failed",
        error: crash,
        attempts: attempt,
        startedAt,
        endedAt: exec.now(),
      }),
    );
    throw new StepError(call.identity.name, crash);
  }
  exec.enter();
  let failure: { error: unknown } | undefined;
  try {
    // The attempt is recorded before the body runs: if the process dies inside it, the next claim counts it.
    await exec.checkpoint(
      exec.row(call, "run", {
        status: "running",
        attempts: attempt + 1,
        startedAt,
        error: crash,
      }),
    );
    let value: Awaited<T>;
    try {
      const result = inSpanIfTracing(
        () => ({
          name: `fairway.step ${call.identity.name}`,
          attributes: {
            "fairway.run.id": exec.run.id,
            "fairway.step.id": call.identity.key,
            "fairway.step.attempt": attempt,
          },
        }),
        () => exec.runBody(call.identity, body),
      );
      // A body that returned a value (not a promise) goes on at once: awaiting it would cost two promises.
      value = isThenable(result) ? await result : (result as Awaited<T>);
    } catch (error) {
      failure = { error };
      return await failAttempt(exec, call, attempt, startedAt, error);
    }
    const where = `step.run("${call.identity.name}")`;
    const { text, value: stored } = roundTrip(value, where);
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_STEP_OUTPUT_BYTES) {
      throw exec.doom(new LimitError(`output of ${where}`, MAX_STEP_OUTPUT_BYTES, bytes, "bytes"));
    }
    const row = exec.row(call, "run", {
      status: "completed",
      outputText: text,
      attempts: attempt + 1,
      startedAt,
      endedAt: exec.now(),
    });
    await exec.settled(row, (numbered) => exec.checkpoint(numbered, bytes));
    return stored as Awaited<T>;
  } finally {
    if (!failure) exec.leave();
  }
}

async function failAttempt(
  exec: Execution,
  call: ReturnType<Execution["begin"]>,
  attempt: number,
  startedAt: number,
  error: unknown,
): Promise<never> {
  const serialized = serializeError(error);
  const now = exec.now();
  const final =
    exec.fatal !== undefined ||
    (NonRetriableError.isInstance(error) ? error.code === "non_retriable" : false);
  if (final || attempt >= exec.fn.config.retries) {
    const row = exec.row(call, "run", {
      status: "failed",
      error: serialized,
      attempts: attempt + 1,
      startedAt,
      endedAt: now,
    });
    try {
      await exec.settled(row, (numbered) => exec.checkpoint(numbered));
    } finally {
      exec.leave();
    }
    throw new StepError(call.identity.name, serialized);
  }
  const delay = retryDelayMs(attempt, error, exec.deps.retryBackoffScale, now, exec.deps.random);
  exec.deps.logger.warn("step attempt failed; retrying", {
    runId: exec.run.id,
    stepId: call.identity.name,
    attempt,
    delayMs: delay,
    error: serialized.message,
  });
  const row = exec.row(call, "run", {
    status: "retrying",
    error: serialized,
    attempts: attempt + 1,
    startedAt,
    wakeAt: now + delay,
  });
  exec.memo.set(row.id, row);
  exec.leave();
  return exec.suspend({ kind: "retry", at: now + delay, row });
}

/**
 * The stored error of an attempt found `running` on a new claim (its process died in it): a StepCrashedError
 * counting it on top of the crashes in a row already recorded on the row.
 */
function crashOf(stepId: string, row: { attempts: number; error?: SerializedError }): SerializedError {
  return new StepCrashedError(stepId, row.attempts, StepCrashedError.crashesIn(row.error) + 1).toJSON();
}

/** Whether `value` is a promise or another thenable (what `await` would wait for). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
