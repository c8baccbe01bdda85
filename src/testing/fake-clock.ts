/**
 * A manual clock for tests: time moves only when the test says so, and due timers fire in time order.
 * Pass it as `new Fairway({ clock })`.
 *
 * @example
 * const clock = new FakeClock(Date.UTC(2030, 0, 1));
 * const fairway = new Fairway({ id: "app", clock });
 * await clock.advance("1h"); // fires every timer due within the hour; the engine goes idle after each
 *
 * @module
 */
import ms from "ms";
import type { Clock, TimerHandle } from "../engine/clock.js";

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;
  /** What to await after each timer: the idle point of each engine on the clock. */
  private readonly idles = new Set<() => Promise<void>>();

  /** `start` in ms since the epoch. @default 2030-01-01T00:00:00Z */
  constructor(start = Date.UTC(2030, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** An engine's idle point, awaited after each timer `advance` fires; returns the unregister function. */
  registerIdle(idle: () => Promise<void>): () => void {
    this.idles.add(idle);
    return () => {
      this.idles.delete(idle);
    };
  }

  /** Timers not yet fired. */
  pending(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `duration` (ms or an `ms` string), firing due timers in order; before the first,
   * after each and at the end, awaits the idle point of every engine on the clock,
   * so the engine reacts to each timer before the next fires. `advance(0)` fires what is due now.
   */
  async advance(duration: number | string): Promise<void> {
    const delta = typeof duration === "number" ? duration : (ms(duration as never) as unknown as number);
    const target = this.current + delta;
    await this.settle();
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.timers.delete(timer.id);
      this.current = Math.max(this.current, timer.at);
      timer.callback();
      await this.settle();
    }
    this.current = target;
    await this.settle();
  }

  /** Awaits every registered idle point. */
  private async settle(): Promise<void> {
    for (const idle of [...this.idles]) await idle();
  }

  private nextDue(target: number): Timer | undefined {
    let first: Timer | undefined;
    for (const timer of this.timers.values()) {
      if (
        timer.at <= target &&
        (!first || timer.at < first.at || (timer.at === first.at && timer.id < first.id))
      ) {
        first = timer;
      }
    }
    return first;
  }
}
