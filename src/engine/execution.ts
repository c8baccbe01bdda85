/**
 * The state of one execution of a handler (one claim of a run): memoized steps, the call order, steps in
 * flight, and the suspensions requested so far. Step tools read and write it; the executor decides from it
 * whether the run completed, failed or suspends.
 *
 * Suspension: a step that cannot finish now (a sleep, a wait, an invoke, a retry backoff) records a
 * `Suspension` and returns a promise that never settles. Once no `step.run` is in flight and the handler has
 * had a turn of the event loop to reach its other parallel steps, the execution suspends with all of them.
 *
 * @module
 */
import {
  LimitError,
  NonDeterminismError,
  RunCancelledError,
  type SerializedError,
  ValidationError,
} from "../errors/index.js";
import type {
  AcceptEventsInput,
  LeaseFence,
  NewRun,
  RunRecord,
  StepOp,
  StepRow,
  Store,
  UsageRecord,
} from "../store/store.js";
import type { Clock } from "./clock.js";
import { currentStepBody, type ModelCallUsage, runInStepBody } from "./execution-context.js";
import { backlogLabel } from "./ready-queue.js";
import type { RegisteredFunction } from "./registered-function.js";
import { deserialize } from "./serializer.js";
import { SettleOrder } from "./settle-order.js";
import { StepIdAllocator, type StepIdentity } from "./step-ids.js";
import type { EventPayload } from "./step-types.js";
import type { Logger, RunEvent } from "./types.js";

/** Largest step output (serialized bytes): 4 MB. */
export const MAX_STEP_OUTPUT_BYTES = 4 * 1024 * 1024;
/** Largest run state (all step outputs of a run, serialized bytes): 32 MB. */
export const MAX_RUN_STATE_BYTES = 32 * 1024 * 1024;

/** What an execution needs from the engine around it. */
export interface ExecutionDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Lease owner id of this process. */
  owner: string;
  retryBackoffScale: number;
  random: () => number;
  newId: () => string;
  emit: (event: RunEvent) => void;
  findFunction: (id: string) => RegisteredFunction | undefined;
  /**
   * Flow control's admission of a run created by `step.invoke`, just before it is stored: the run with its
   * backlog, concurrency keys and warnings, or `skipped` with its `skipReason`; and what a store that
   * decides admission checks again (`NewRun.admission`).
   */
  admitChild: (run: RunRecord) => NewRun;
  /** Sends events from inside a run (step.sendEvent); same pipeline as `fairway.send`. */
  sendEvents: (events: EventPayload[]) => Promise<{ ids: string[] }>;
  /**
   * The store input of `run`'s failure event (`fairway/function.failed`) and the runs it starts, without
   * storing it: `finishRun` stores it with the failure (see `Scheduler.prepare`).
   */
  prepareFailure: (run: RunRecord, error: SerializedError) => AcceptEventsInput;
}

/** Why and until when a step stops the execution. */
export interface Suspension {
  kind: "sleep" | "retry" | "wait" | "invoke" | "yield";
  /** When the run should be claimed again (ms). */
  at: number;
  /** A pending step row to write with the suspension (new sleeps, retries, invokes). */
  row?: StepRow;
  /** A step key that something outside the run resolves (wait, invoke). */
  awaiting?: string;
  /** Child runs to create (invoke). */
  children?: AcceptEventsInput;
}

/**
 * Why an execution stopped before its handler settled: `lost`, the process no longer holds the run's lease
 * (a fenced write was refused, or a renewal reported it); `abandoned`, a store call failed (`error`). Either
 * way nothing more is written by this execution and the handler promise is left unsettled.
 */
export type ExecutionStop = { kind: "lost" } | { kind: "abandoned"; error: unknown };

/** A step call, identified and checked against the memo. */
export interface StepCall {
  identity: StepIdentity;
  position: number;
  memo: StepRow | undefined;
}

export class Execution {
  readonly memo = new Map<string, StepRow>();
  readonly suspensions: Suspension[] = [];
  /** The first error that dooms the run whatever the handler does with it (non-determinism, limits). */
  fatal: Error | undefined;
  cancelled = false;
  /** Set when the engine closes: the next step call yields (suspends at once) instead of running. */
  closing = false;
  /** Resolves when the execution should suspend. */
  readonly suspended: Promise<Suspension[]>;
  /** Resolves when the execution must stop at once (see `ExecutionStop`). */
  readonly stopped: Promise<ExecutionStop>;
  private stopReason: ExecutionStop | undefined;
  private onStop: (stop: ExecutionStop) => void = () => {};
  private readonly byPosition = new Map<number, StepRow>();
  private readonly visited = new Set<string>();
  private readonly ids = new StepIdAllocator();
  private readonly order: SettleOrder;
  private position = 0;
  private inflight = 0;
  private stateBytes = 0;
  private checkScheduled = false;
  private settle: (suspensions: Suspension[]) => void = () => {};

  /**
   * @param resumesAbandoned this process abandoned the previous execution of the run (a store error): a
   * `running` step row it left is an attempt to make again, not one its process died in.
   */
  constructor(
    readonly run: RunRecord,
    steps: StepRow[],
    readonly fn: RegisteredFunction,
    readonly deps: ExecutionDeps,
    readonly resumesAbandoned = false,
  ) {
    for (const step of steps) {
      this.memo.set(step.id, step);
      this.byPosition.set(step.position, step);
      this.stateBytes += step.outputText ? Buffer.byteLength(step.outputText) : 0;
    }
    this.order = new SettleOrder(steps, deps.clock.now());
    this.suspended = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.stopped = new Promise((resolve) => {
      this.onStop = resolve;
    });
  }

  /** Stops the execution (first reason wins): no step settles or writes after this. */
  stop(reason: ExecutionStop): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.onStop(reason);
  }

  get isStopped(): boolean {
    return this.stopReason !== undefined;
  }

  /**
   * The one way a step reaches the store for its run: `call` gets this execution's lease fence. A call that
   * throws abandons the execution (`abandoned`); a result that `held` rejects (a fenced write refused) loses
   * it (`lost`). In both cases, and once the execution is stopped, the returned promise never settles, so the
   * handler goes no further. The execution does not suspend while a write is in flight. `written`, if given,
   * is called with the result just before the promise resolves with it.
   *
   * Not an `async` function: the store's promise and the one derived from it with `then` are the only
   * promises a write makes (this runs twice per `step.run`).
   */
  write<T>(
    call: (lease: LeaseFence) => Promise<T>,
    held?: (result: T) => boolean,
    written?: () => void,
  ): Promise<T> {
    if (this.stopReason) return never();
    // A write in flight holds the execution like a step body: it suspends only after every write it started
    // was answered (a wait registered while a sibling step suspends must be registered before the lease goes).
    this.enter();
    let pending: Promise<T>;
    try {
      pending = call({ owner: this.deps.owner, now: this.now() });
    } catch (error) {
      return this.#abandon(error);
    }
    return pending.then((result) => {
      this.leave();
      if (!this.stopReason && held !== undefined && !held(result)) this.stop({ kind: "lost" });
      if (this.stopReason) return never<T>();
      written?.();
      return result;
    }, this.#abandon);
  }

  /** A store call of `write` failed: the execution is abandoned, the write never answers. */
  readonly #abandon = (error: unknown): Promise<never> => {
    this.stop({ kind: "abandoned", error });
    this.leave();
    return never();
  };

  now(): number {
    return this.deps.clock.now();
  }

  /**
   * Identifies a step call and checks determinism: a step not seen before may not take the place of a
   * recorded step that this execution has not reached yet, and a recorded id must keep its op.
   */
  begin(id: string, op: StepOp): StepCall {
    if (this.cancelled) throw this.doom(new RunCancelledError(this.run.id));
    const identity = this.ids.next(id);
    const position = this.position++;
    const memo = this.memo.get(identity.key);
    if (memo && memo.op !== op) {
      this.order.skip(identity.key);
      throw this.doom(
        new NonDeterminismError(position, `${memo.name} (${memo.op})`, `${identity.name} (${op})`),
      );
    }
    if (!memo) {
      const recorded = this.byPosition.get(position);
      if (recorded && !this.visited.has(recorded.id)) {
        throw this.doom(new NonDeterminismError(position, recorded.name, identity.name));
      }
    }
    this.visited.add(identity.key);
    this.order.call(identity.key);
    return { identity, position, memo };
  }

  /**
   * Hands a settled step row (completed or failed) to the handler in the order the run's steps settled
   * (`settle-order.ts`), so first-settled patterns (`Promise.race`, `Promise.any`) replay the same way.
   * A row without its settle number gets one and is written with it: by `write` (the step's checkpoint),
   * or by `Store.saveStep` when someone else settled it (an event, a child run's end, a timeout). Resolves
   * with the numbered row when the results numbered before it have been delivered; rejects with what `write`
   * rejects with (its result is then not delivered, and later results do not wait for it).
   */
  settled(row: StepRow, write?: (row: StepRow) => Promise<unknown>): Promise<StepRow> {
    const recorded = row.settledSeq !== undefined;
    const seq = row.settledSeq ?? this.order.seqFor(row.id);
    const numbered = recorded ? row : { ...row, settledSeq: seq };
    this.enter();
    let writing: Promise<unknown> | undefined;
    try {
      if (write) writing = write(numbered);
      else if (!recorded) {
        this.memo.set(numbered.id, numbered);
        // No fsync of its own: whatever this execution writes durably next commits after it and syncs it, so
        // a power loss loses it only with everything that followed it, as if the result was never delivered.
        writing = this.write(
          (lease) => this.deps.store.saveStep(numbered, lease, { durable: false }),
          isTrue,
        );
      }
    } catch (error) {
      this.#delivered(seq);
      return Promise.reject(error);
    }
    if (writing === undefined) return Promise.resolve(this.#deliver(seq, numbered));
    return writing.then(
      () => this.#deliver(seq, numbered),
      (error: unknown) => {
        this.#delivered(seq);
        throw error;
      },
    );
  }

  /**
   * Hands `row` (numbered `seq`) over once the results numbered before it were delivered: at once (the row
   * itself, so that a `then` returning it resolves without adopting another promise) or when its turn comes.
   */
  #deliver(seq: number, row: StepRow): StepRow | Promise<StepRow> {
    const turn = this.order.turn(seq);
    if (turn === undefined) {
      this.#delivered(seq);
      return row;
    }
    return turn.then(() => {
      this.#delivered(seq);
      return row;
    });
  }

  /** The result numbered `seq` was delivered (or failed): the next one may go, and the execution may suspend. */
  #delivered(seq: number): void {
    this.order.done(seq);
    this.leave();
  }

  /** Runs the replay of pending step `key` (`replay`); if it throws, later results do not wait for it. */
  async replaying<T>(key: string, replay: () => Promise<T>): Promise<T> {
    try {
      return await replay();
    } catch (error) {
      this.order.skip(key);
      throw error;
    }
  }

  /** Calls a `step.run` body so that step calls made inside it are recognized (`refuseNested`). */
  runBody<T>(identity: StepIdentity, body: () => T | Promise<T>): T | Promise<T> {
    return runInStepBody({ exec: this, identity }, body);
  }

  /**
   * Stores the usage of a model call made in the `step.run` body of this execution executing now, as record
   * `<runId>:<step key>` with the run's tenant key (its backlog label). Nothing outside a step body.
   */
  async recordUsage(usage: ModelCallUsage): Promise<void> {
    const body = currentStepBody();
    if (body?.exec !== this) return;
    const record: UsageRecord = {
      id: `${this.run.id}:${body.identity.key}`,
      runId: this.run.id,
      functionId: this.run.functionId,
      tenantKey: backlogLabel(this.run.backlogKey),
      model: usage.model,
      provider: usage.provider,
      at: this.now(),
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
    };
    if (usage.cachedInputTokens !== undefined) record.cachedInputTokens = usage.cachedInputTokens;
    await this.deps.store.recordUsage([record]);
  }

  /**
   * Throws a fatal ValidationError when a step tool (`tool`, e.g. `"step.sleep"`) is called inside a
   * `step.run` body of this execution: a nested step would be memoized inside another one, and a nested
   * sleep or wait could never suspend (its outer step stays in flight).
   */
  refuseNested(tool: string, id: unknown): void {
    const outer = currentStepBody();
    if (outer?.exec !== this) return;
    const message = `was called inside step.run("${outer.identity.name}"): steps cannot be nested; call it from the handler`;
    throw this.doom(new ValidationError(`${tool}("${String(id)}")`, [{ path: "", message }]));
  }

  /** Records `error` as fatal (first one wins) and returns it for throwing. */
  doom(error: Error): Error {
    this.fatal ??= error;
    return error;
  }

  /** Runs `check`; an error it throws (bad step options) is fatal to the run. */
  guard<T>(check: () => T): T {
    try {
      return check();
    } catch (error) {
      throw this.doom(error as Error);
    }
  }

  /** Parks the calling step: returns a promise that never settles, and suspends when nothing is in flight. */
  suspend(suspension: Suspension): Promise<never> {
    // A wait or invoke found due on replay that was not resolved after all: results need not wait for it.
    if (suspension.awaiting !== undefined) this.order.skip(suspension.awaiting);
    this.suspensions.push(suspension);
    this.scheduleCheck();
    return new Promise<never>(() => {});
  }

  /** Marks a step body as running (the execution will not suspend before it ends). */
  enter(): void {
    this.inflight++;
  }

  leave(): void {
    this.inflight--;
    if (this.suspensions.length > 0) this.scheduleCheck();
  }

  /**
   * Checkpoints a step row (the one write per step), updates the memo, and counts its output against the
   * run-state limit. Rejects with a LimitError (fatal) when the run's state would exceed 32 MB. `bytes` is the
   * UTF-8 length of `row.outputText` when the caller already measured it. A settled row (completed or
   * failed) is announced (`step.completed`) once written.
   */
  checkpoint(row: StepRow, bytes = row.outputText ? Buffer.byteLength(row.outputText) : 0): Promise<unknown> {
    if (bytes > 0 && this.stateBytes + bytes > MAX_RUN_STATE_BYTES) {
      return Promise.reject(
        this.doom(
          new LimitError(
            "run state",
            MAX_RUN_STATE_BYTES,
            this.stateBytes + bytes,
            "bytes",
            `At step "${row.name}".`,
          ),
        ),
      );
    }
    this.stateBytes += bytes;
    this.memo.set(row.id, row);
    const settled = row.status === "completed" || row.status === "failed";
    return this.write(
      (lease) => this.deps.store.saveStep(row, lease),
      isTrue,
      settled ? () => this.#announce(row) : undefined,
    );
  }

  /** Tells the run's listeners that step `row` settled. */
  #announce(row: StepRow): void {
    this.deps.emit({
      type: "step.completed",
      runId: this.run.id,
      functionId: this.run.functionId,
      at: row.endedAt ?? this.now(),
      stepId: row.name,
    });
  }

  /** The value a completed row gives back to the handler. */
  output(row: StepRow): unknown {
    return row.outputText === undefined ? undefined : deserialize(row.outputText);
  }

  /**
   * A fresh row for this run: `attempts` 0 and `startedAt` now unless `fields` says otherwise. Every field of
   * `StepRow` is set (an absent optional one as `undefined`) in one object literal, so all rows share one
   * shape: copying one (`{ ...row, settledSeq }` in `settled`) takes V8's fast path, which a row built by
   * spreading `fields` into it missed (~2 µs per copy, on every step).
   */
  row(
    call: StepCall,
    op: StepOp,
    fields: Omit<Partial<StepRow>, "runId" | "id" | "name" | "op" | "position"> & Pick<StepRow, "status">,
  ): StepRow {
    return {
      runId: this.run.id,
      id: call.identity.key,
      name: call.identity.name,
      op,
      status: fields.status,
      position: call.position,
      inputText: fields.inputText,
      outputText: fields.outputText,
      error: fields.error,
      attempts: fields.attempts ?? 0,
      startedAt: fields.startedAt ?? this.now(),
      endedAt: fields.endedAt,
      wakeAt: fields.wakeAt,
      eventId: fields.eventId,
      settledSeq: fields.settledSeq,
    };
  }

  private scheduleCheck(): void {
    if (this.stopReason) return;
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      if (this.inflight === 0 && this.suspensions.length > 0) this.settle(this.suspensions);
    });
  }
}

/** The `held` of a write whose store call answers whether the lease was held (`saveStep`). */
function isTrue(held: boolean): boolean {
  return held;
}

/** A promise that never settles: what a step returns once its execution stopped. */
function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}
