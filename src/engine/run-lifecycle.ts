/**
 * The run lifecycle in this process, in one place. The store records every transition of a run atomically
 * (one `Store` method each); this coordinator is everything the engine does in memory right after, in the
 * order it does it. Each collaborator calls one method here, and flow control is told about starts and ends
 * directly (not through the public run events, whose listeners may throw):
 *
 * | transition | called by                                   | the store did          | here                                                              |
 * | ---------- | ------------------------------------------- | ---------------------- | ----------------------------------------------------------------- |
 * | created    | scheduler (send, flush), rerun, invoke      | `acceptEvents`, `suspendRun` children | skipped: flow forgets it, `run.skipped`; else flow watches it, `run.queued`, dispatcher queues it |
 * | started    | dispatcher, first claim                     | `claimRun`             | flow marks it started (timeouts), `run.started`                   |
 * | suspended  | dispatcher, execution result                | `suspendRun`           | `run.sleeping` / `run.waiting`; invoked children are `created`    |
 * | finished   | dispatcher, execution result                | `finishRun` (+ failure event, parent's step) | flow forgets it, `run.completed` / `run.failed`, parent `woken`, failure runs queued |
 * | lost       | dispatcher, execution result                | nothing                | children admitted for the lost suspension are forgotten           |
 * | cancelled  | `fairway.cancelRun` (also flow: singleton, cancelOn, timeouts) | `cancelRun` (+ parent's step) | dispatcher drops it, its execution stops, flow forgets it, `run.cancelled`, parent `woken` |
 * | woken      | scheduler (a wait resolved), a child's end  | `resolveStep`          | the run is read and queued at its `readyAt`                       |
 * | read back  | backlog windows, sweep                      | —                      | flow takes its keys from the stored run, dispatcher queues it     |
 * | left       | dispatcher (window full, beyond horizon)    | —                      | flow forgets its keys; the sweep comes back for it in time        |
 * | dropped    | scheduler (admitted, never stored), claim missed | —                 | flow forgets it                                                   |
 *
 * @module
 */
import type { RunRecord, Store } from "../store/store.js";
import type { Clock } from "./clock.js";
import type { Dispatcher } from "./dispatcher.js";
import type { EngineFlow } from "./engine-flow.js";
import { isDeadLocalOwner } from "./lease-owner.js";
import type { ReadyItem } from "./ready-queue.js";
import type { RecoverySweep } from "./recovery-sweep.js";
import type { RunEventHub } from "./run-events.js";
import type { RunExecutor, WrittenResult } from "./run-executor.js";
import type { Scheduler } from "./scheduler.js";
import { recordRunFinished } from "./telemetry.js";
import type { RunEvent } from "./types.js";

/** Run events that end a run, and the status the `fairway.runs.finished` metric counts them under. */
const FINISHED_STATUS: Partial<Record<RunEvent["type"], string>> = {
  "run.completed": "completed",
  "run.failed": "failed",
  "run.cancelled": "cancelled",
};

/** The engine's parts the lifecycle drives (the dispatcher, scheduler and sweep are built after it). */
export interface RunLifecycleDeps {
  store: Store;
  clock: Clock;
  /** This process's lease owner id. */
  owner: string;
  hub: RunEventHub;
  flow: EngineFlow;
  executor: RunExecutor;
  dispatcher: () => Dispatcher;
  scheduler: () => Scheduler;
  sweep: () => RecoverySweep;
  /** Whether the engine is closing (runs read back are not queued then). */
  closing: () => boolean;
}

export class RunLifecycle {
  constructor(private readonly deps: RunLifecycleDeps) {}

  /** Runs the store created: skipped ones end here; the others are watched, announced and queued. */
  created(runs: RunRecord[]): void {
    const { flow, clock } = this.deps;
    for (const run of runs) {
      if (run.status === "skipped") {
        flow.runsDropped([run.id]);
        this.#emit("run.skipped", run);
        continue;
      }
      flow.runCreated(run);
      this.#emit("run.queued", run);
      this.deps.dispatcher().schedule(run, run.readyAt ?? clock.now());
    }
  }

  /** A run's first claim: flow control's start deadline stops counting. */
  started(item: ReadyItem): void {
    this.deps.flow.runStarted(item.runId);
    this.#emit("run.started", { id: item.runId, functionId: item.functionId });
  }

  /** An execution's written result (suspended, finished or lost). */
  async result(item: ReadyItem, result: WrittenResult): Promise<void> {
    if (result.kind === "lost") {
      if (result.unsent) this.deps.scheduler().abandon(result.unsent);
      return;
    }
    if (result.kind === "suspended") {
      if (result.status === "sleeping")
        this.#emit("run.sleeping", { id: item.runId, functionId: item.functionId });
      if (result.status === "waiting")
        this.#emit("run.waiting", { id: item.runId, functionId: item.functionId });
      this.created(result.children);
      if (result.replaced) this.deps.flow.replaced(result.replaced);
      return;
    }
    const { run } = result;
    this.#ended(run, run.status === "completed" ? "run.completed" : "run.failed");
    await this.#settleParent(run);
    // The failure event and its runs were stored with the run's end (finishRun's `send`); queue them.
    if (result.sent) await this.deps.scheduler().commit(result.sent.input, result.sent.stored);
  }

  /** The store cancelled `run`: nothing of it runs again here. */
  async cancelled(run: RunRecord): Promise<void> {
    this.deps.dispatcher().unschedule(run.id);
    const exec = this.deps.executor.active.get(run.id);
    if (exec) exec.cancelled = true;
    this.#ended(run, "run.cancelled");
    await this.#settleParent(run);
  }

  /** A step of `runId` was resolved from outside (a wait's event, a child's end): queue it unless it is executing here. */
  async woken(runId: string): Promise<void> {
    const dispatcher = this.deps.dispatcher();
    if (dispatcher.isExecuting(runId)) return;
    const run = await this.deps.store.getRun(runId);
    if (run?.readyAt === undefined) return;
    this.deps.flow.runCreated(run);
    dispatcher.schedule(run, run.readyAt);
  }

  /** Backlogged runs a window read from the store: queue them (their flow keys as stored on them). */
  backlogRead(runs: RunRecord[]): void {
    if (this.deps.closing()) return;
    const dispatcher = this.deps.dispatcher();
    const now = this.deps.clock.now();
    for (const run of runs) {
      if (dispatcher.isExecuting(run.id)) continue;
      this.deps.flow.runCreated(run);
      dispatcher.schedule(run, now, false, true);
    }
  }

  /**
   * Claimable runs a sweep found within its horizon: keep those this process does not have in hand, each on
   * a timer at its wake-up; returns how many, counting the runs other processes hold (below) too, so the
   * sweep keeps its interval while another process may die with runs in hand. Leases of this host's processes that no longer exist
   * (`hostname:pid:nonce`, `kill(pid, 0)`) are released first, so a restarted embedded app (or a worker beside
   * one killed with `kill -9`) resumes their runs at once. A run another live process (or one on another
   * host) holds is not queued: the sweep comes back when its lease ends (`RecoverySweep.sweepBy`) and finds
   * it renewed, ended, or claimable. (A timer per such run at its lease's end made every worker try to claim
   * every run the others execute — nearly all of them renewed or ended by then.)
   */
  async recovered(runs: RunRecord[], now: number): Promise<number> {
    const dispatcher = this.deps.dispatcher();
    const dead = new Map<string, boolean>();
    let found = 0;
    for (const run of runs) {
      if (dispatcher.holds(run) || this.deps.scheduler().isCommitting(run.id)) continue;
      const owner = run.leaseOwner;
      const leaseEnd = run.leaseExpiresAt ?? 0;
      if (owner !== undefined && leaseEnd > now) {
        if (!dead.has(owner)) {
          const isDead = isDeadLocalOwner(owner, this.deps.owner);
          dead.set(owner, isDead);
          if (isDead) await this.deps.store.releaseLeases(owner);
        }
        if (!dead.get(owner)) {
          this.deps.sweep().sweepBy(leaseEnd);
          found += 1;
          continue;
        }
      }
      this.deps.flow.runCreated(run);
      dispatcher.schedule(run, run.readyAt ?? now);
      found += 1;
    }
    return found;
  }

  /** A run left memory and waits in the store (see `DispatcherDeps.onLeft`). */
  left(runId: string, wakeAt?: number): void {
    this.deps.flow.forgetKeys(runId);
    if (wakeAt !== undefined) this.deps.sweep().wakeBy(wakeAt);
  }

  /** Runs flow control admitted that were never stored (a dropped dedup, a failed send). */
  dropped(runIds: string[]): void {
    this.deps.flow.runsDropped(runIds);
  }

  /**
   * A queued run could not be claimed: if it has ended (or is gone), flow control forgets it. On a store
   * other processes write (`Store.shared`), a missed claim is a run another process took (or ended), so it is
   * forgotten without reading it: with several workers every run is missed by all but one of them, and a
   * read each was most of their statements (S1 with 4 workers: 15k reads for 5k runs). Should it become
   * claimable again (suspended by its new holder), its wake-up notice or the recovery sweep brings it back.
   */
  async claimMissed(runId: string): Promise<void> {
    if (this.deps.store.shared) {
      this.deps.flow.runsDropped([runId]);
      return;
    }
    const run = await this.deps.store.getRun(runId);
    if (run?.readyAt === undefined) this.deps.flow.runsDropped([runId]);
  }

  /**
   * The store claimed `run` in place of the queued run `askedId`, which another process took: flow control
   * forgets `askedId` (as a missed claim on a shared store) and keeps `run`'s keys as stored on it (none
   * to keep when `run` is undefined: another execution here has it).
   */
  substituted(askedId: string, run: RunRecord | undefined): void {
    this.deps.flow.runsDropped([askedId]);
    if (run) this.deps.flow.runCreated(run);
  }

  #ended(run: RunRecord, type: "run.completed" | "run.failed" | "run.cancelled"): void {
    this.deps.flow.runsDropped([run.id]);
    recordRunFinished(run.functionId, FINISHED_STATUS[type]!);
    this.#emit(type, run);
  }

  /** An invoked run ended: the store resolved its parent's invoke step in the same transaction; queue the parent. */
  async #settleParent(run: RunRecord): Promise<void> {
    if (run.parent) await this.woken(run.parent.runId);
  }

  #emit(type: RunEvent["type"], run: Pick<RunRecord, "id" | "functionId" | "error">): void {
    const event: RunEvent = { type, runId: run.id, functionId: run.functionId, at: this.deps.clock.now() };
    if (run.error && type === "run.failed") event.error = run.error;
    this.deps.hub.emit(event);
  }
}
