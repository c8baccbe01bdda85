/**
 * Executes one claimed run: calls the handler (inside `runInExecution`) with fresh step tools, and turns
 * what happens into exactly one store transition: finished (completed or failed), suspended (sleep, wait,
 * invoke, retry backoff), or nothing when the lease was lost (cancelled meanwhile, or reclaimed). A store
 * call of a step that throws abandons the execution (`abandoned`, nothing more written; the dispatcher
 * retries the run from its last checkpoint after a backoff).
 *
 * @module
 */
import {
  type FairwayError,
  LimitError,
  NonRetriableError,
  type SerializedError,
  StepError,
  serializeError,
} from "../errors/index.js";
import type {
  AcceptEventsInput,
  AcceptEventsResult,
  ClaimedRun,
  RunRecord,
  SuspendInput,
} from "../store/store.js";
import {
  Execution,
  type ExecutionDeps,
  type ExecutionStop,
  MAX_STEP_OUTPUT_BYTES,
  type Suspension,
} from "./execution.js";
import { type ExecutionContext, runInExecution } from "./execution-context.js";
import type { RegisteredFunction } from "./registered-function.js";
import { retryDelayMs } from "./retry-backoff.js";
import { roundTrip } from "./serializer.js";
import { createStepTools } from "./step-tools.js";
import type { FairwayEvent } from "./step-types.js";
import { admitInvoked } from "./step-waits.js";
import { inSpan, runAttributes, runContext } from "./telemetry.js";

/**
 * How an execution ended. `children` are runs created by step.invoke, as stored, to schedule. `sent`: the
 * failure event stored with the run's end (`input`, and what the store wrote), to commit
 * (`Scheduler.commit`); `unsent`: the failure event prepared for a finish that was lost, or the invoked
 * runs admitted for a suspension that was lost, to abandon (flow control forgets them).
 */
export type ExecutionResult =
  | { kind: "finished"; run: RunRecord; sent?: { input: AcceptEventsInput; stored: AcceptEventsResult } }
  | {
      kind: "suspended";
      status: SuspendInput["status"];
      readyAt: number;
      children: RunRecord[];
      /** Active runs whose singleton key a child took over in the store (to cancel). */
      replaced?: Array<{ runId: string; by: string }>;
    }
  | { kind: "lost"; unsent?: AcceptEventsInput }
  | { kind: "abandoned"; error: unknown };

/** An execution's result that was written (or lost): what the engine reacts to after the store call. */
export type WrittenResult = Exclude<ExecutionResult, { kind: "abandoned" }>;

/** Error codes that fail a run at once: retrying the handler would hit them again. */
const FINAL_CODES = new Set([
  "non_retriable",
  "step_failed",
  "non_determinism",
  "limit_exceeded",
  "serialization_failed",
  "validation_failed",
  "config_invalid",
  "not_found",
  "run_cancelled",
]);

/** Runs the handler of `claimed` once and writes the outcome. */
export class RunExecutor {
  constructor(private readonly deps: ExecutionDeps) {}

  /** The live execution of each run this process is executing (for cancellation). */
  readonly active = new Map<string, Execution>();

  /**
   * Executes `claimed` inside a `fairway.execution` span of the run's trace (see `telemetry.ts`).
   * `resumesAbandoned`: this process abandoned the run's previous execution (see `Execution`).
   */
  execute(claimed: ClaimedRun, fn: RegisteredFunction, resumesAbandoned = false): Promise<ExecutionResult> {
    const { run } = claimed;
    const attributes = { ...runAttributes(run), "fairway.run.attempt": run.attempt };
    return inSpan(
      `fairway.execution ${run.functionId}`,
      attributes,
      async (span) => {
        const result = await this.#execute(claimed, fn, resumesAbandoned);
        span.setAttribute(
          "fairway.execution.result",
          result.kind === "suspended" ? result.status : result.kind,
        );
        if (result.kind === "finished") span.setAttribute("fairway.run.status", result.run.status);
        return result;
      },
      runContext(run.traceParent),
    );
  }

  async #execute(
    claimed: ClaimedRun,
    fn: RegisteredFunction,
    resumesAbandoned: boolean,
  ): Promise<ExecutionResult> {
    const exec = new Execution(claimed.run, claimed.steps, fn, this.deps, resumesAbandoned);
    this.active.set(claimed.run.id, exec);
    try {
      const outcome = await this.invoke(exec);
      if ("stop" in outcome)
        return outcome.stop.kind === "lost"
          ? { kind: "lost" }
          : { kind: "abandoned", error: outcome.stop.error };
      if ("suspensions" in outcome) return await this.suspend(exec, outcome.suspensions);
      if (exec.fatal) return await this.fail(exec, exec.fatal);
      if ("error" in outcome) return await this.handleError(exec, outcome.error, handlerAttempt(claimed));
      return await this.complete(exec, outcome.value);
    } finally {
      this.active.delete(claimed.run.id);
    }
  }

  private invoke(
    exec: Execution,
  ): Promise<
    { value: unknown } | { error: unknown } | { suspensions: Suspension[] } | { stop: ExecutionStop }
  > {
    const run = exec.run;
    const events = run.events as FairwayEvent[];
    const event = events[0] as FairwayEvent;
    const step = createStepTools(exec);
    const context: ExecutionContext = {
      runId: run.id,
      functionId: run.functionId,
      attempt: run.attempt,
      event,
      step,
      recordUsage: (usage) => exec.recordUsage(usage),
    };
    const handler = Promise.resolve().then(() =>
      runInExecution(context, () =>
        exec.fn.handler({
          event,
          events,
          step,
          runId: run.id,
          attempt: run.attempt,
          logger: this.deps.logger,
        }),
      ),
    );
    return Promise.race([
      handler.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      exec.suspended.then((suspensions) => ({ suspensions })),
      exec.stopped.then((stop) => ({ stop })),
    ]);
  }

  private async complete(exec: Execution, value: unknown): Promise<ExecutionResult> {
    let text: string;
    try {
      text = roundTrip(value, `Run of "${exec.fn.id}"`).text;
    } catch (error) {
      return this.fail(exec, error);
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_STEP_OUTPUT_BYTES) {
      return this.fail(
        exec,
        new LimitError(`output of run ${exec.run.id}`, MAX_STEP_OUTPUT_BYTES, bytes, "bytes"),
      );
    }
    const run = await this.deps.store.finishRun({
      runId: exec.run.id,
      owner: this.deps.owner,
      status: "completed",
      outputText: text,
      endedAt: this.deps.clock.now(),
    });
    return run ? { kind: "finished", run } : { kind: "lost" };
  }

  /** An error outside steps: retry the handler (attempt `attempt` failed) or fail the run. */
  private async handleError(exec: Execution, error: unknown, attempt: number): Promise<ExecutionResult> {
    const retries = exec.fn.config.retries;
    if (isFinal(error) || attempt >= retries) return this.fail(exec, error);
    const now = this.deps.clock.now();
    const delay = retryDelayMs(attempt, error, this.deps.retryBackoffScale, now, this.deps.random);
    this.deps.logger.warn("handler failed outside a step; retrying", {
      runId: exec.run.id,
      attempt,
      delayMs: delay,
      error: serializeError(error).message,
    });
    const held = await this.deps.store.suspendRun({
      runId: exec.run.id,
      owner: this.deps.owner,
      status: "queued",
      readyAt: now + delay,
      attempt: attempt + 1,
      steps: [],
      waits: [],
      children: { now, events: [], runs: [] },
      awaiting: [],
      now,
    });
    return held
      ? { kind: "suspended", status: "queued", readyAt: held.readyAt, children: held.children }
      : { kind: "lost" };
  }

  /** Fails the run; with `onFailure`, its failure event and the runs it starts are stored in the same call. */
  private async fail(exec: Execution, error: unknown): Promise<ExecutionResult> {
    const serialized: SerializedError = serializeError(error);
    const send = exec.fn.config.onFailure ? this.prepareFailure(exec.run, serialized) : undefined;
    const finished = await this.deps.store.finishRun({
      runId: exec.run.id,
      owner: this.deps.owner,
      status: "failed",
      error: serialized,
      endedAt: this.deps.clock.now(),
      ...(send ? { send } : {}),
    });
    if (!finished) return send ? { kind: "lost", unsent: send } : { kind: "lost" };
    const { sent, ...run } = finished;
    return send && sent
      ? { kind: "finished", run, sent: { input: send, stored: sent } }
      : { kind: "finished", run };
  }

  /** The failure event's store input; an engine bug preparing it is logged and fails the run without it. */
  private prepareFailure(run: RunRecord, error: SerializedError): AcceptEventsInput | undefined {
    try {
      return this.deps.prepareFailure(run, error);
    } catch (cause) {
      this.deps.logger.error("could not prepare the failure event; onFailure will not run", {
        runId: run.id,
        error: cause,
      });
      return undefined;
    }
  }

  private async suspend(exec: Execution, pending: Suspension[]): Promise<ExecutionResult> {
    const now = this.deps.clock.now();
    const suspensions = pending.map((suspension) => admitInvoked(suspension, this.deps.admitChild, now));
    const readyAt = Math.min(...suspensions.map((suspension) => suspension.at));
    const kinds = new Set(suspensions.map((suspension) => suspension.kind));
    const status =
      kinds.has("wait") || kinds.has("invoke") ? "waiting" : kinds.has("sleep") ? "sleeping" : "queued";
    const attempt = Math.max(
      0,
      ...suspensions.map((suspension) => (suspension.kind === "retry" ? (suspension.row?.attempts ?? 0) : 0)),
    );
    const children: SuspendInput["children"] = { now, events: [], runs: [] };
    for (const suspension of suspensions) {
      if (!suspension.children) continue;
      const offset = children.events.length;
      children.events.push(...suspension.children.events);
      for (const entry of suspension.children.runs) {
        children.runs.push({ ...entry, eventIndex: (entry.eventIndex ?? 0) + offset });
      }
    }
    const held = await this.deps.store.suspendRun({
      runId: exec.run.id,
      owner: this.deps.owner,
      status,
      readyAt,
      attempt,
      steps: suspensions.flatMap((suspension) => (suspension.row ? [suspension.row] : [])),
      waits: [],
      children,
      awaiting: suspensions.flatMap((suspension) => (suspension.awaiting ? [suspension.awaiting] : [])),
      now,
    });
    if (!held) return children.runs.length > 0 ? { kind: "lost", unsent: children } : { kind: "lost" };
    const suspended = { kind: "suspended", status, readyAt: held.readyAt, children: held.children } as const;
    return held.replaced ? { ...suspended, replaced: held.replaced } : suspended;
  }
}

/**
 * The handler's own attempt in this claim: the run's `attempt` counts a retrying step's attempts when the
 * run was resumed for that step's next try, and the handler's attempts otherwise.
 */
function handlerAttempt(claimed: ClaimedRun): number {
  return claimed.steps.some((step) => step.status === "retrying") ? 0 : claimed.run.attempt;
}

/** True for errors that fail the run without another attempt of the handler. */
function isFinal(error: unknown): boolean {
  if (error instanceof StepError || NonRetriableError.isInstance(error)) {
    return FINAL_CODES.has((error as FairwayError).code);
  }
  return false;
}
