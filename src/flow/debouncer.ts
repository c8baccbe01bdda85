/**
 * Debounce state of one function: a pending event and a timer per key (see `debounce.ts` for the
 * rule). When a key's timer fires, `onFire` gets the event the run is to be created with.
 * In memory: pending debounces are lost if the process stops before they fire.
 *
 * @module
 */
import type { DebounceConfig } from "./config/types.js";
import { type DebounceAction, type DebounceState, debounceOffer } from "./debounce.js";
import { PendingByKey } from "./pending-by-key.js";
import type { FlowClock, FlowEvent } from "./timers.js";

export class Debouncer {
  readonly #pending: PendingByKey<DebounceState<FlowEvent>>;

  constructor(
    private readonly config: DebounceConfig,
    private readonly clock: FlowClock,
    onFire: (event: FlowEvent, key: string) => void,
  ) {
    this.#pending = new PendingByKey(clock, (state, key) => onFire(state.event, key));
  }

  /** Offers an event of `key`; returns what it did to the pending debounce. */
  offer(key: string, event: FlowEvent): DebounceAction {
    const now = this.clock.now();
    const { action, state } = debounceOffer(this.#pending.get(key), event, now, this.config);
    if (action !== "ignored") this.#pending.set(key, state, state.fireAt - now);
    return action;
  }

  /** Drops every pending debounce (engine shutting down). */
  stop(): void {
    this.#pending.stop();
  }
}
