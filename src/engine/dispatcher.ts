/**
 * Moves due runs into executions: the ready queue decides which run goes next, the wake timers hold runs
 * until their `readyAt`, and a bounded pool (`maxConcurrentRuns`) executes them. Each run is claimed in the
 * store under a lease first, and the leases of executing runs are renewed while they execute; a renewal that
 * reports a run no longer held stops its execution. An execution that a store error abandoned (or an engine
 * error) is logged once with its run id and the run is claimed again after a backoff (`abandonDelayMs`):
 * it resumes from its last checkpoint, and the process keeps serving the others. A claim the store refuses
 * (another process holds the slots of one of the run's concurrency scopes) hands the run back to the queue,
 * which holds that scope until a backoff passed or a local run of it ended.
 *
 * @module
 */

import { queueScoreOf } from "../store/backlogged.js";
import type { RunRecord, Store } from "../store/store.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { Execution } from "./execution.js";
import type { ReadyItem, ReadyQueue } from "./ready-queue.js";
import type { RegisteredFunction } from "./registered-function.js";
import { abandonDelayMs } from "./retry-backoff.js";
import type { ExecutionResult, RunExecutor, WrittenResult } from "./run-executor.js";
import { recordRunStarted } from "./telemetry.js";
import type { Logger } from "./types.js";
import { WakeTimers } from "./wake-timers.js";

export interface DispatcherDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  owner: string;
  leaseMs: number;
  maxConcurrentRuns: number;
  executor: RunExecutor;
  findFunction: (id: string) => RegisteredFunction | undefined;
  /** A run was claimed for the first time (it starts). */
  onStarted: (run: ReadyItem) => void;
  /** Called after an execution's result is written. */
  onResult: (run: ReadyItem, result: WrittenResult) => Promise<void>;
  /**
   * A queued run could not be claimed (ended meanwhile, leased elsewhere, not due): lets the engine drop
   * what it keeps about a run that has ended.
   */
  onClaimMissed: (runId: string) => Promise<void>;
  /**
   * The store claimed `run` in place of the queued run `askedId`, which another process took (`run`
   * undefined: this process executes that run already, in another execution).
   */
  onSubstituted: (askedId: string, run: RunRecord | undefined) => void;
  /** The ready queue: flow control's fair queue (`FlowReadyQueue`, see engine-flow.ts). */
  queue: ReadyQueue;
  /**
   * A run left this process's memory and waits in the store (its backlog's window is full, or it wakes up
   * after the horizon at `wakeAt`): lets flow control forget its keys and the sweep come back for it in time.
   */
  onLeft: (runId: string, wakeAt?: number) => void;
}

/** What the dispatcher needs to know of a run to queue it. */
export type Schedulable = Pick<
  RunRecord,
  "id" | "functionId" | "backlogKey" | "createdAt" | "startedAt" | "readyAt" | "queueScore"
>;

export class Dispatcher {
  readonly queue: ReadyQueue;
  private readonly timers: WakeTimers;
  private readonly executing = new Map<string, Promise<void>>();
  /** Abandonments in a row per run (store errors), for the backoff; cleared when an execution ends well. */
  private readonly abandoned = new Map<string, number>();
  /** Due runs of functions this process has not defined (yet), by function id. */
  private readonly parked = new Map<string, ReadyItem[]>();
  private readonly parkedIds = new Set<string>();
  private pumpScheduled = false;
  private closed = false;
  /**
   * Wake-ups later than this (ms) are not kept in memory: the sweep reads them when they come within its
   * horizon (`RecoverySweep`, which sets this). Until the first sweep, every wake-up is kept.
   */
  horizon = Number.POSITIVE_INFINITY;
  private renewTimer: TimerHandle | undefined;

  constructor(private readonly deps: DispatcherDeps) {
    this.queue = deps.queue;
    this.timers = new WakeTimers(deps.clock, (items) => {
      for (const item of items) this.queue.enqueue(item);
      this.requestPump();
    });
  }

  /**
   * Queues `run` now, or at `readyAt` if that is later (kept in memory only up to the {@link horizon}).
   * `resume`: the run may have started (a retry). `loaded`: the run was just read from its backlog in the
   * store (see `ReadyQueue.enqueue`).
   */
  schedule(run: Schedulable, readyAt: number, resume = false, loaded = false): void {
    if (this.closed || this.executing.has(run.id)) return;
    const started = resume || run.startedAt !== undefined;
    const item: ReadyItem = {
      runId: run.id,
      functionId: run.functionId,
      backlogKey: run.backlogKey,
      createdAt: run.createdAt,
      score: queueScoreOf(run),
      resume: started,
      backlogged: !started && (run.readyAt ?? readyAt) <= run.createdAt,
    };
    if (readyAt <= this.deps.clock.now()) {
      this.timers.cancel(run.id);
      if (this.queue.enqueue(item, loaded)) this.requestPump();
      else this.deps.onLeft(run.id);
    } else if (readyAt > this.horizon) {
      this.unschedule(run.id);
      this.deps.onLeft(run.id, readyAt);
    } else {
      this.queue.remove(run.id);
      this.timers.schedule(item, readyAt);
    }
  }

  /** Forgets a run (cancelled); a running execution stops at its next step. */
  unschedule(runId: string): void {
    this.queue.remove(runId);
    this.timers.cancel(runId);
  }

  /** A function was defined: its parked runs become ready. */
  functionDefined(functionId: string): void {
    const parked = this.parked.get(functionId);
    if (!parked) return;
    this.parked.delete(functionId);
    for (const item of parked) {
      this.parkedIds.delete(item.runId);
      if (!this.queue.enqueue(item)) this.deps.onLeft(item.runId);
    }
    this.requestPump();
  }

  isExecuting(runId: string): boolean {
    return this.executing.has(runId);
  }

  /**
   * Whether this process has `run` in hand as it is stored: executing, waiting for its wake-up, parked, or
   * queued — but not when it is queued as a first start and the store shows it started: another process
   * claimed it since and lost it (died), and it must be queued again as a resume, which goes ahead of its
   * backlog, instead of waiting for its backlog's turn as a start.
   */
  holds(run: Pick<RunRecord, "id" | "startedAt">): boolean {
    const queued = this.queue.queued(run.id);
    if (queued) return queued.resume || run.startedAt === undefined;
    return this.executing.has(run.id) || this.timers.has(run.id) || this.parkedIds.has(run.id);
  }

  /** Runs executing now. */
  get running(): number {
    return this.executing.size;
  }

  /** Stops taking work and waits for executing runs to finish or yield at their next step. */
  async close(active: Iterable<Execution>): Promise<void> {
    this.closed = true;
    this.timers.stop();
    for (const exec of active) exec.closing = true;
    await Promise.allSettled([...this.executing.values()]);
    if (this.renewTimer !== undefined) this.deps.clock.clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
  }

  requestPump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.closed && this.executing.size < this.deps.maxConcurrentRuns) {
      const next = this.queue.next(this.deps.clock.now());
      if (!next) return;
      /** What this execution runs: `next`, or the run the store claimed in its place (`substituted`). */
      const slot = { item: next };
      const done = this.run(slot).then((result) => {
        const { item } = slot;
        this.executing.delete(item.runId);
        if (result?.kind === "refused") {
          this.queue.refused(item, result.scope, result.retryAt);
          this.requestPump();
          return;
        }
        this.queue.release(item.runId);
        if (result?.kind === "suspended")
          this.schedule({ ...toSchedulable(item), startedAt: 0 }, result.readyAt);
        if (result?.kind === "abandoned") this.retryAbandoned(item, result.error);
        else this.abandoned.delete(item.runId);
        this.requestPump();
      });
      this.executing.set(next.runId, done);
      this.armRenewal();
    }
  }

  private async run(slot: { item: ReadyItem }): Promise<ExecutionResult | Refused | undefined> {
    const { store, clock, owner, leaseMs, logger } = this.deps;
    let { item } = slot;
    try {
      const fn = this.deps.findFunction(item.functionId);
      if (!fn) {
        logger.warn("run of a function not defined (yet) in this process; parked until it is", {
          runId: item.runId,
          functionId: item.functionId,
        });
        const parked = this.parked.get(item.functionId) ?? [];
        parked.push(item);
        this.parked.set(item.functionId, parked);
        this.parkedIds.add(item.runId);
        return undefined;
      }
      const claimed = await store.claimRun(
        item.runId,
        owner,
        clock.now(),
        leaseMs,
        item.slots ?? [],
        item.throttle,
        !item.resume && item.throttle === undefined,
      );
      if (!claimed) {
        await this.deps.onClaimMissed(item.runId);
        return undefined;
      }
      if ("refused" in claimed) return { kind: "refused", scope: claimed.scope, retryAt: claimed.retryAt };
      if (claimed.run.id !== item.runId) {
        const substitute = this.substituted(item, claimed.run);
        if (!substitute) return undefined;
        item = substitute;
        slot.item = item;
      }
      if (item.slots !== undefined) this.queue.admitted(item);
      if (!item.resume) {
        if (item.waitReason !== undefined) this.recordWaitReason(item.runId, item.waitReason);
        recordRunStarted(claimed.run, clock.now());
        this.deps.onStarted(item);
      }
      const result = await this.deps.executor.execute(claimed, fn, this.abandoned.has(item.runId));
      if (result.kind !== "abandoned") await this.deps.onResult(item, result);
      return result;
    } catch (error) {
      return { kind: "abandoned", error };
    }
  }

  /**
   * A shared store claimed `run` in place of `asked`, which another process took (`Store.claimRun`'s
   * `substitute`: the next backlogged run of the same backlog, so the same slots): this execution runs `run`,
   * which leaves the ready queue if it was queued here, takes over the slots `asked` took, and is what
   * `isExecuting` answers for; flow control forgets `asked` and keeps `run`'s keys. Undefined when another
   * execution of this process has `run` in hand already (its claim is in flight: the store will give it the
   * run this process now holds, as a retry does), so this one does not run it too.
   */
  private substituted(asked: ReadyItem, run: RunRecord): ReadyItem | undefined {
    if (this.executing.has(run.id)) {
      this.deps.onSubstituted(asked.runId, undefined);
      return undefined;
    }
    const done = this.executing.get(asked.runId);
    this.executing.delete(asked.runId);
    if (done) this.executing.set(run.id, done);
    this.timers.cancel(run.id);
    const item = this.queue.substitute(asked, run);
    this.deps.onSubstituted(asked.runId, run);
    return item;
  }

  /**
   * Stores why a started run waited (`RunRecord.waitReason`, for the dashboard) beside its execution, not
   * before it: the handler and the run's slot do not wait for one more write (on PostgreSQL a round trip
   * and a WAL flush). A failed write is logged; the run goes on.
   */
  private recordWaitReason(runId: string, reason: string): void {
    this.deps.store.setWaitReason(runId, reason).catch((error: unknown) => {
      this.deps.logger.warn("could not store why a run waited", { runId, error });
    });
  }

  /** Logs an abandoned execution once and queues its run again after the backoff. */
  private retryAbandoned(item: ReadyItem, error: unknown): void {
    const failures = (this.abandoned.get(item.runId) ?? 0) + 1;
    this.abandoned.set(item.runId, failures);
    const delayMs = abandonDelayMs(failures);
    this.deps.logger.error(
      "run execution abandoned (store or engine error); retrying from its last checkpoint",
      {
        runId: item.runId,
        functionId: item.functionId,
        failures,
        delayMs,
        error,
      },
    );
    this.schedule(toSchedulable(item), this.deps.clock.now() + delayMs, true);
  }

  private armRenewal(): void {
    if (this.renewTimer !== undefined) return;
    const { clock, leaseMs } = this.deps;
    this.renewTimer = clock.setTimeout(
      () => {
        this.renewTimer = undefined;
        if (this.executing.size === 0) return;
        this.renewLeases();
        this.armRenewal();
      },
      Math.floor(leaseMs / 3),
    );
  }

  /**
   * Extends the leases of the executions that hold their claim now, and stops those whose lease the store
   * did not extend. A run whose claim is still in flight is left out (its claim sets a fresh lease), and an
   * answer stops only the execution it was asked for: one that started while the renewal was in flight was
   * never seen by it (stopping it once left such a run leased to this live process, executed by no one).
   */
  private renewLeases(): void {
    const { clock, leaseMs, executor } = this.deps;
    const renewed = new Map(executor.active);
    if (renewed.size === 0) return;
    const now = clock.now();
    this.deps.store
      .renewLeases(this.deps.owner, [...renewed.keys()], now + leaseMs, now)
      .then((lost) => {
        for (const runId of lost) renewed.get(runId)?.stop({ kind: "lost" });
      })
      .catch((error: unknown) => {
        this.deps.logger.error("lease renewal failed", { error });
      });
  }
}

/**
 * The store refused the claim: the slots of `scope` are held by other processes, or (`retryAt`, ms) the
 * throttle `scope` admits the start only then (see `ReadyQueue.refused`).
 */
interface Refused {
  kind: "refused";
  scope: string;
  retryAt: number | undefined;
}

function toSchedulable(item: ReadyItem): Schedulable {
  return {
    id: item.runId,
    functionId: item.functionId,
    backlogKey: item.backlogKey,
    createdAt: item.createdAt,
    queueScore: item.score,
  };
}
