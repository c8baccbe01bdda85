/**
 * One timer per pending debounce or batch, on the injected clock: a cache of the store's entries
 * (re-armed from them on start-up). Arming a key again replaces its timer.
 *
 * @module
 */
import type { FlowClock } from "./timers.js";

export class DueTimers {
  readonly #timers = new Map<string, { timer: unknown; dueAt: number }>();

  constructor(private readonly clock: FlowClock) {}

  /**
   * Calls `fire` at `dueAt` (ms; at once if past), replacing the timer of `key`. Returns false, and changes
   * nothing, when `key` already has a timer at `dueAt` (an entry read again).
   */
  arm(key: string, dueAt: number, fire: () => void): boolean {
    const current = this.#timers.get(key);
    if (current?.dueAt === dueAt) return false;
    if (current !== undefined) this.clock.clearTimeout(current.timer);
    const armed = {
      dueAt,
      timer: this.clock.setTimeout(
        () => {
          if (this.#timers.get(key) === armed) this.#timers.delete(key);
          fire();
        },
        Math.max(0, dueAt - this.clock.now()),
      ),
    };
    this.#timers.set(key, armed);
    return true;
  }

  /** Clears every timer (engine shutting down). */
  stop(): void {
    for (const { timer } of this.#timers.values()) this.clock.clearTimeout(timer);
    this.#timers.clear();
  }
}
