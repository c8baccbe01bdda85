/**
 * Debounce state of one function: a pending event and a timer per key (see `debounce.ts` for the
 * rule). When a key's timer fires, `onFire` gets the event the run is to be created with.
 * In memory: pending debounces are lost if the process stops before they fire.
 *
 * @module
 */
import type { DebounceConfig } from "./config/types.js";
import { type DebounceAction, type DebounceState, debounceOffer } from "./debounce.js";
import type { FlowClock, FlowEvent } from "./timers.js";

export class Debouncer {
  readonly #pending = new Map<string, { state: DebounceState<FlowEvent>; timer: unknown }>();

  constructor(
    private readonly config: DebounceConfig,
    private readonly clock: FlowClock,
    private readonly onFire: (event: FlowEvent, key: string) => void,
  ) {}

  /** Offers an event of `key`; returns what it did to the pending debounce. */
  offer(key: string, event: FlowEvent): DebounceAction {
    const now = this.clock.now();
    const previous = this.#pending.get(key);
    const { action, state } = debounceOffer(previous?.state, event, now, this.config);
    if (action === "ignored") return action;
    if (previous) this.clock.clearTimeout(previous.timer);
    const timer = this.clock.setTimeout(() => this.#fire(key), Math.max(0, state.fireAt - now));
    this.#pending.set(key, { state, timer });
    return action;
  }

  /** Keys with a pending debounce. */
  get size(): number {
    return this.#pending.size;
  }

  /** Drops every pending debounce (engine shutting down). */
  stop(): void {
    for (const { timer } of this.#pending.values()) this.clock.clearTimeout(timer);
    this.#pending.clear();
  }

  #fire(key: string): void {
    const pending = this.#pending.get(key);
    if (!pending) return;
    this.#pending.delete(key);
    this.onFire(pending.state.event, key);
  }
}
