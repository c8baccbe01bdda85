/**
 * The call-out executor: a Fairway handler that drives a function living in an Inngest SDK app. It is a
 * plain Fairway function (built on the public step API), so flow control, retries, the dashboard, traces
 * and the CLI treat it like a native one. Each call to the app is checkpointed as a step, so a replay
 * (after a sleep, a wait, a retry backoff or a crash) re-sends nothing already answered:
 *
 * - `request` steps: `POST stepId=step` with every memoized step (hashed id → `{data}` / `{error}` / raw
 *   value). The SDK replays the handler, runs the one new `step.run` it finds in the same request, and
 *   answers its result (`StepRun`), its failure (`StepError` → the request step is retried with
 *   Fairway's backoff; `StepFailed` → memoized as `{error}`), the steps it found (`StepPlanned`, `Sleep`,
 *   `WaitForEvent`, `InvokeFunction`, `AIGateway`), or the function's output (`200`).
 * - found steps become Fairway steps under the id the user wrote (`op.userland.id`): `StepPlanned` →
 *   `step.run` that calls the app with `stepId=<hash>`; `Sleep` → `step.sleep`/`sleepUntil`;
 *   `WaitForEvent` → `step.waitForEvent` (`if` over `event` and `async`); `InvokeFunction` →
 *   `step.invoke` of the synced function; `AIGateway` → `step.run` of the model call. Ops of one reply
 *   (parallel steps) run concurrently.
 *
 * Concurrency: the run holds a slot while this handler executes, i.e. while a step of it is being
 * called, and none while it sleeps or waits; parallel steps of one run share its slot (Inngest would
 * take one slot per parallel step).
 *
 * @module
 */
import type { StepTools } from "../engine/step-types.js";
import type { Handler, HandlerContext } from "../engine/types.js";
import { NonRetriableError } from "../errors/non-retriable-error.js";
import { StepError } from "../errors/step-error.js";
import { type AiGatewayOptions, inferThroughGateway } from "./ai-gateway.js";
import {
  type AppReply,
  type AppTransport,
  appError,
  type CallBody,
  callApp,
  failureOf,
} from "./app-request.js";
import { inngestEventName } from "./internal-events.js";
import type { MemoizedStep, StepOp } from "./wire.js";

/** Id of the Fairway steps that checkpoint each discovery call to the app. */
export const REQUEST_STEP_ID = "inngest.request";

/** Ops that carry the outcome of a step the SDK just ran. */
const INLINE_OUTCOMES = new Set(["StepRun", "StepError", "StepFailed"]);

type OpsReply = Extract<AppReply, { type: "ops" }>;

/** Where a synced function lives; `url` is updated in place when the app syncs again from elsewhere. */
export interface RemoteTarget {
  url: string;
  /** Retries per step, from the synced config (`max_attempts` = retries + 1). */
  retries: number;
}

/** What the executor needs besides the target. */
export interface RemoteDeps {
  transport: AppTransport;
  gateway: AiGatewayOptions;
}

/** The handler of a synced function. */
export function remoteHandler(target: RemoteTarget, deps: RemoteDeps): Handler {
  return (context) => new RemoteRun(target, deps, context).drive();
}

/** One execution of a remote run (a fresh one per claim; it replays from the top like any handler). */
class RemoteRun {
  private readonly memo: Record<string, MemoizedStep> = {};
  private readonly completionOrder: string[] = [];
  /** Outcomes of steps the SDK ran inside a discovery call, until their step checkpoints them. */
  private readonly inline = new Map<string, { reply: OpsReply; op: StepOp }>();
  private readonly step: StepTools;
  /** The first live call of an execution carries the run's current attempt; later ones are first tries. */
  private attemptPending = true;

  constructor(
    private readonly target: RemoteTarget,
    private readonly deps: RemoteDeps,
    private readonly context: HandlerContext,
  ) {
    this.step = context.step;
  }

  async drive(): Promise<unknown> {
    for (;;) {
      const reply = await this.step.run(REQUEST_STEP_ID, () => this.discover()).catch(unwrapAppFailure);
      if (reply.type === "complete") return reply.data;
      const done = reply.ops.find((op) => op.op === "RunComplete");
      if (done) return done.data ?? null;
      await Promise.all(reply.ops.map((op) => this.apply(op)));
    }
  }

  /**
   * The discovery call. A step the SDK ran in the same request (`StepRun`, `StepError`, `StepFailed`)
   * keeps its outcome in memory only: it is checkpointed by the step named after it, so the timeline
   * shows the user's step, with its attempts. The checkpointed reply keeps the op without its outcome.
   */
  private async discover(): Promise<AppReply> {
    const reply = await this.call("step");
    if (reply.type === "complete") return reply;
    const ops = reply.ops.map((op) => {
      if (!INLINE_OUTCOMES.has(op.op)) return op;
      this.inline.set(op.id, { reply, op });
      const { data: _data, error: _error, ...rest } = op;
      return rest;
    });
    return { ...reply, ops };
  }

  private async apply(op: StepOp): Promise<void> {
    const id = stepLabel(op);
    const opts = op.opts ?? {};
    switch (op.op) {
      case "StepRun":
      case "StepError":
      case "StepFailed":
      case "StepPlanned":
        return this.settle(op.id, () => this.step.run(id, () => this.runStep(op)));
      case "AIGateway":
        return this.settle(op.id, () =>
          this.step.run(id, () => inferThroughGateway(this.deps.gateway, opts)),
        );
      case "Sleep": {
        const until = op.name ?? "0s";
        if (/^\d{4}-\d{2}-\d{2}T/.test(until)) await this.step.sleepUntil(id, until);
        else await this.step.sleep(id, until);
        return this.record(op.id, null);
      }
      case "WaitForEvent": {
        const options: { event: string; timeout: string; if?: string } = {
          event: op.name ?? "",
          timeout: typeof opts.timeout === "string" ? opts.timeout : "1y",
        };
        if (typeof opts.if === "string") options.if = opts.if;
        const event = await this.step.waitForEvent(id, options);
        return this.record(op.id, event ? toSdkEvent(event) : null);
      }
      case "InvokeFunction": {
        const payload = (opts.payload ?? {}) as { data?: Record<string, unknown> };
        const invoke: { function: string; data: Record<string, unknown>; timeout?: string } = {
          function: String(opts.function_id ?? ""),
          data: payload.data ?? {},
        };
        if (typeof opts.timeout === "string") invoke.timeout = opts.timeout;
        return this.settle(op.id, () => this.step.invoke(id, invoke));
      }
      default:
        throw new NonRetriableError(
          `step "${id}" uses the SDK operation "${op.op}", which Fairway does not run (supported: step.run, sleep, sleepUntil, waitForEvent, invoke, sendEvent, ai.infer, ai.wrap, parallel steps)`,
        );
    }
  }

  /** Runs a step; its result or final failure (a `StepError`) becomes the memoized entry. */
  private async settle(hash: string, run: () => Promise<unknown>): Promise<void> {
    try {
      this.record(hash, { data: (await run()) ?? null });
    } catch (error) {
      if (!(error instanceof StepError)) throw error;
      this.record(hash, { error: error.error });
    }
  }

  /**
   * The body of a `step.run` for an SDK step: the outcome the discovery call brought (first attempt), else
   * a call to the app with `stepId=<hash>` that runs just this step (retries, planned parallel steps, and
   * a replay after a crash that lost the in-memory outcome).
   */
  private async runStep(op: StepOp): Promise<unknown> {
    const inline = this.inline.get(op.id);
    this.inline.delete(op.id);
    const { reply, op: result } = inline ?? (await this.callStep(op));
    if (result.op === "StepRun") return result.data ?? null;
    if (result.op === "StepError" || result.op === "StepFailed") throw this.stepFailure(reply, result);
    throw new Error(`the app answered step "${stepLabel(op)}" with "${result.op}"`);
  }

  private async callStep(op: StepOp): Promise<{ reply: OpsReply; op: StepOp }> {
    const reply = await this.call(op.id);
    if (reply.type === "complete") {
      throw new Error(`the app finished the function while asked to run step "${stepLabel(op)}"`);
    }
    const result = reply.ops.find((candidate) => candidate.id === op.id) ?? reply.ops[0];
    if (!result) throw new Error(`the app answered step "${stepLabel(op)}" with no operation`);
    return { reply, op: result };
  }

  private stepFailure(reply: OpsReply, op: StepOp): Error {
    const final = op.op === "StepFailed" || reply.noRetry;
    return failureOf(appError(op.error), final, reply.retryAfter, this.deps.transport.now);
  }

  private call(stepId: string): Promise<AppReply> {
    const { event, events, runId } = this.context;
    const attempt = this.attemptPending ? this.context.attempt : 0;
    this.attemptPending = false;
    const body: CallBody = {
      event: toSdkEvent(event),
      events: events.map(toSdkEvent),
      steps: { ...this.memo },
      ctx: {
        run_id: runId,
        attempt,
        max_attempts: this.target.retries + 1,
        disable_immediate_execution: false,
        use_api: false,
        stack: { stack: [...this.completionOrder], current: this.completionOrder.length },
      },
      version: 2,
    };
    return callApp(this.deps.transport, this.target.url, stepId, body);
  }

  private record(hash: string, value: MemoizedStep): void {
    this.memo[hash] = value;
    this.completionOrder.push(hash);
  }
}

/**
 * A discovery call that failed for good failed because the function did (an uncaught error, or a retried
 * error outside steps that ran out of attempts): the run fails with the app's error, not with a failure of
 * Fairway's internal request step.
 */
function unwrapAppFailure(error: unknown): never {
  if (!(error instanceof StepError)) throw error;
  const original = error.error.cause ?? error.error;
  const message = typeof original.message === "string" ? original.message : error.error.message;
  throw new NonRetriableError(message, { cause: original });
}

/** The id the user wrote for the step (Fairway adds `:n` to repeats, as the SDK does before hashing). */
function stepLabel(op: StepOp): string {
  const userland = (op as { userland?: { id?: unknown } }).userland;
  if (typeof userland?.id === "string" && userland.id !== "") return userland.id;
  return op.displayName ?? op.name ?? op.id;
}

/** A stored event as the SDK expects it (Inngest's names for Fairway's internal events). */
function toSdkEvent(event: {
  name: string;
  data: unknown;
  id?: string;
  ts?: number;
  v?: string;
}): Record<string, unknown> {
  const sdkEvent: Record<string, unknown> = { name: inngestEventName(event.name), data: event.data ?? {} };
  if (event.id !== undefined) sdkEvent.id = event.id;
  if (event.ts !== undefined) sdkEvent.ts = event.ts;
  if (event.v !== undefined) sdkEvent.v = event.v;
  return sdkEvent;
}
