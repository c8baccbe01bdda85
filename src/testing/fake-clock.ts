/**
 * A manual clock for tests: time moves only when the test says so, and due timers fire in time order.
 * Pass it as `new Fairway({ clock })`.
 *
 * @example
 * const clock = new FakeClock(Date.UTC(2030, 0, 1));
 * await clock.advance("1h"); // fires every timer due within the hour, letting the engine react to each
 *
 * @module
 */
import ms from "ms";
import type { Clock, TimerHandle } from "../engine/clock.js";
import { settle } from "./settle.js";

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

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

  /** Timers not yet fired. */
  pending(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `duration` (ms or an `ms` string), firing due timers in order; after each, lets
   * pending I/O callbacks and promises run (one `setImmediate` turn, repeated until quiet) so the engine can
   * react before the next timer.
   */
  async advance(duration: number | string): Promise<void> {
    const delta = typeof duration === "number" ? duration : (ms(duration as never) as unknown as number);
    const target = this.current + delta;
    await settle();
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.timers.delete(timer.id);
      this.current = Math.max(this.current, timer.at);
      timer.callback();
      await settle();
    }
    this.current = target;
    await settle();
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
