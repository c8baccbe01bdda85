/**
 * One timer per pending debounce or batch, on the injected clock: a cache of the store's entries
 * (re-armed from them on start-up). Arming a key again replaces its timer.
 *
 * @module
 */
import type { FlowClock } from "./timers.js";

export class DueTimers {
  readonly #timers = new Map<string, unknown>();

  constructor(private readonly clock: FlowClock) {}

  /** Calls `fire` at `dueAt` (ms; at once if past), replacing the timer of `key`. */
  arm(key: string, dueAt: number, fire: () => void): void {
    const current = this.#timers.get(key);
    if (current !== undefined) this.clock.clearTimeout(current);
    const timer = this.clock.setTimeout(
      () => {
        if (this.#timers.get(key) === timer) this.#timers.delete(key);
        fire();
      },
      Math.max(0, dueAt - this.clock.now()),
    );
    this.#timers.set(key, timer);
  }

  /** Clears every timer (engine shutting down). */
  stop(): void {
    for (const timer of this.#timers.values()) this.clock.clearTimeout(timer);
    this.#timers.clear();
  }
}
