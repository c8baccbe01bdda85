/**
 * Future wake-ups (sleeps, retry backoff, wait timeouts, delayed starts) on the injected clock. One clock
 * timer is armed for the earliest wake-up; when it fires, every due entry is handed to `onDue`.
 * A cache of the store's `readyAt` column, rebuilt at start-up.
 *
 * @module
 */
import { Heap, type HeapEntry } from "../flow/heap.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { ReadyItem } from "./ready-queue.js";

interface Wake {
  at: number;
  item: ReadyItem;
}

/** Holds runs until their `readyAt`. */
export class WakeTimers {
  private readonly heap = new Heap<Wake>((a, b) => a.at < b.at);
  /** The heap entry of each run's wake-up (a reschedule or cancel removes it from the heap). */
  private readonly live = new Map<string, HeapEntry<Wake>>();
  private armed: { at: number; handle: TimerHandle } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (items: ReadyItem[]) => void,
  ) {}

  /** Wakes `item` at `at` (ms), replacing an earlier schedule of the same run. */
  schedule(item: ReadyItem, at: number): void {
    this.cancel(item.runId);
    this.live.set(item.runId, this.heap.push({ at, item }));
    this.arm();
  }

  cancel(runId: string): void {
    const entry = this.live.get(runId);
    if (entry) this.heap.remove(entry);
    this.live.delete(runId);
  }

  has(runId: string): boolean {
    return this.live.has(runId);
  }

  size(): number {
    return this.live.size;
  }

  /** Stops the armed timer (entries stay; `arm` resumes). */
  stop(): void {
    if (this.armed) this.clock.clearTimeout(this.armed.handle);
    this.armed = undefined;
  }

  arm(): void {
    const first = this.heap.peek();
    if (!first) {
      this.stop();
      return;
    }
    if (this.armed && this.armed.at <= first.at) return;
    this.stop();
    const handle = this.clock.setTimeout(() => this.fire(), Math.max(0, first.at - this.clock.now()));
    this.armed = { at: first.at, handle };
  }

  private fire(): void {
    this.armed = undefined;
    const now = this.clock.now();
    const due: ReadyItem[] = [];
    for (let wake = this.heap.peek(); wake && wake.at <= now; wake = this.heap.peek()) {
      this.heap.pop();
      this.live.delete(wake.item.runId);
      due.push(wake.item);
    }
    this.arm();
    if (due.length > 0) this.onDue(due);
  }
}
