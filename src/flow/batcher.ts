/**
 * Batching state of one function: an open batch and a timer per key (see `batch.ts` for the rule).
 * `onFlush` gets the events of one run, when a batch is full or its timeout passes.
 * In memory: open batches are lost if the process stops before they flush.
 *
 * @module
 */
import { type BatchState, batchAppend } from "./batch.js";
import type { BatchEventsConfig } from "./config/types.js";
import { PendingByKey } from "./pending-by-key.js";
import type { FlowClock, FlowEvent } from "./timers.js";

export class Batcher {
  readonly #open: PendingByKey<BatchState<FlowEvent>>;

  constructor(
    private readonly config: BatchEventsConfig,
    private readonly clock: FlowClock,
    private readonly onFlush: (events: FlowEvent[], key: string) => void,
  ) {
    this.#open = new PendingByKey(clock, (state, key) => onFlush(state.events, key));
  }

  /** Adds an event to the open batch of `key`, flushing it when full. */
  append(key: string, event: FlowEvent): void {
    const open = this.#open.get(key);
    const result = batchAppend(open, event, this.clock.now(), this.config);
    if ("flush" in result) {
      this.#open.take(key);
      this.onFlush(result.flush, key);
    } else {
      this.#open.set(key, result.state, open ? undefined : this.config.timeoutMs);
    }
  }

  /** Drops every open batch (engine shutting down). */
  stop(): void {
    this.#open.stop();
  }
}
