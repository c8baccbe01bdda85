/**
 * The engine's ready queue backed by flow control's fair scheduler (`src/flow/fair-scheduler.ts`):
 * backlogs per function × concurrency keys served in turn, priority, throttle (GCRA) at run start, and
 * concurrency slots held from dispatch until `release` (the run stops executing). When nothing may
 * start because of a throttle, it arms one timer for the earliest allowed time and asks for a pump.
 * Backlogged runs (never started) are held in per-backlog windows (`backlog-windows.ts`): the rest of a
 * large backlog stays in the store until the window has room.
 *
 * The fair scheduler is the one record of what is queued: each run is queued there with its ready item
 * (`QueuedRun.ready`), so "is this run queued, and as what" has one answer (`FairScheduler.queued`).
 *
 * @module
 */
import type { FlowController } from "../flow/flow-controller.js";
import type { QueueItem } from "../flow/queue-item.js";
import { queueScoreOf } from "../store/backlogged.js";
import type { RunRecord } from "../store/store.js";
import type { BacklogWindows } from "./backlog-windows.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { ReadyItem, ReadyQueue } from "./ready-queue.js";
import { refusedClaimDelayMs } from "./retry-backoff.js";

/** A scope the store refused: refusals in a row and the timer that offers it again. */
interface RefusedScope {
  refusals: number;
  timer?: TimerHandle;
}

/** What the engine queues in the fair scheduler: the run's scheduler item and the ready item it came from. */
export interface QueuedRun extends QueueItem {
  ready: ReadyItem;
}

export class FlowReadyQueue implements ReadyQueue {
  readonly #refused = new Map<string, RefusedScope>();
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** Set by the dispatcher: called when a throttled run may start now. */
  onWake: () => void = () => {};

  constructor(
    private readonly flow: FlowController<QueuedRun>,
    private readonly clock: Clock,
    /** The windows of backlogged runs (the engine's, shared with start-up's restore). */
    readonly windows: BacklogWindows,
  ) {}

  /**
   * Queues a due run with its flow keys (`FlowController.queueItem`); a backlogged run whose window is full
   * stays in the store (false) and flow control forgets it until it is read back.
   */
  enqueue(item: ReadyItem, loaded = false): boolean {
    const queued = this.flow.scheduler.queued(item.runId);
    if (loaded && queued) return true;
    if (item.backlogged && !loaded && !queued && !this.windows.admit(windowed(item))) {
      this.flow.forgetKeys(item.runId);
      return false;
    }
    if (queued) this.#remove(item.runId, queued.ready);
    if (!this.flow.scheduler.enqueue({ ...this.flow.queueItem(item), ready: item })) return false;
    if (item.backlogged) this.windows.entered(windowed(item));
    return true;
  }

  next(now: number): ReadyItem | undefined {
    const next = this.flow.scheduler.next(now);
    if (next === undefined) {
      this.#armWake(now);
      return undefined;
    }
    const item = next.ready;
    if (item.backlogged) this.windows.left(windowed(item));
    const throttle = next.kind === "start" ? next.throttle : undefined;
    if (next.waitReason === undefined && next.claims.length === 0 && throttle === undefined) return item;
    const handed: ReadyItem = { ...item };
    if (next.waitReason !== undefined) handed.waitReason = next.waitReason;
    if (throttle !== undefined) {
      const { id, limit, periodMs, burst } = this.flow.scheduler.limits.throttle(next.functionId, throttle);
      handed.throttle = { scope: id, limit, periodMs, burst };
    }
    if (next.claims.length > 0) {
      const limits = this.flow.scheduler.limits;
      handed.slots = next.claims.map((claim) => ({
        scope: claim.id,
        limit: limits.concurrencyLimit(next.functionId, claim),
      }));
    }
    return handed;
  }

  refused(item: ReadyItem, scope: string, retryAt?: number): void {
    const { slots: _slots, waitReason: _reason, throttle: _throttle, ...ready } = item;
    const queued = { ...this.flow.queueItem(ready), ready };
    if (retryAt !== undefined) {
      this.flow.scheduler.throttleRefused(queued, retryAt);
      if (ready.backlogged) this.windows.entered(windowed(ready));
      return;
    }
    this.flow.scheduler.refused(queued, scope);
    if (ready.backlogged) this.windows.entered(windowed(ready));
    const state = this.#refused.get(scope) ?? { refusals: 0 };
    this.#refused.set(scope, state);
    state.refusals += 1;
    if (state.timer !== undefined) return;
    state.timer = this.clock.setTimeout(() => {
      state.timer = undefined;
      this.flow.scheduler.unblock(scope);
      this.onWake();
    }, refusedClaimDelayMs(state.refusals));
  }

  substitute(asked: ReadyItem, run: RunRecord): ReadyItem {
    this.remove(run.id);
    this.flow.scheduler.transfer(asked.runId, run.id);
    return { ...asked, runId: run.id, createdAt: run.createdAt, score: queueScoreOf(run) };
  }

  admitted(item: ReadyItem): void {
    if (this.#refused.size === 0) return;
    for (const { scope } of item.slots ?? []) {
      const state = this.#refused.get(scope);
      if (state === undefined) continue;
      if (state.timer !== undefined) this.clock.clearTimeout(state.timer);
      this.#refused.delete(scope);
    }
  }

  queued(runId: string): ReadyItem | undefined {
    return this.flow.scheduler.queued(runId)?.ready;
  }

  remove(runId: string): boolean {
    const queued = this.flow.scheduler.queued(runId);
    return queued !== undefined && this.#remove(runId, queued.ready);
  }

  /** Takes out a queued run (`ready`: what it was queued as), leaving its backlog window's count. */
  #remove(runId: string, ready: ReadyItem): boolean {
    if (ready.backlogged) this.windows.left(windowed(ready));
    return this.flow.scheduler.remove(runId);
  }

  release(runId: string): void {
    this.flow.scheduler.release(runId);
  }

  size(): number {
    return this.flow.scheduler.size;
  }

  /** Stops the wake timer and the refused scopes' timers (engine closing). */
  stop(): void {
    this.#stopWake();
    for (const state of this.#refused.values())
      if (state.timer !== undefined) this.clock.clearTimeout(state.timer);
    this.#refused.clear();
  }

  #stopWake(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #armWake(now: number): void {
    const at = this.flow.scheduler.nextWakeAt();
    if (at === undefined || at >= this.#timerAt) return;
    this.#stopWake();
    this.#timerAt = at;
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.onWake();
    }, at - now);
  }
}

function windowed(item: ReadyItem) {
  return { runId: item.runId, backlogKey: item.backlogKey, score: item.score };
}
