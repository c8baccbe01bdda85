/**
 * Batching state of one function: an open batch and a timer per key (see `batch.ts` for the rule).
 * `onFlush` gets the events of one run, when a batch is full or its timeout passes.
 * In memory: open batches are lost if the process stops before they flush.
 *
 * @module
 */
import { type BatchState, batchAppend } from "./batch.js";
import type { BatchEventsConfig } from "./config/types.js";
import type { FlowClock, FlowEvent } from "./timers.js";

export class Batcher {
  readonly #open = new Map<string, { state: BatchState<FlowEvent>; timer: unknown }>();

  constructor(
    private readonly config: BatchEventsConfig,
    private readonly clock: FlowClock,
    private readonly onFlush: (events: FlowEvent[], key: string) => void,
  ) {}

  /** Adds an event to the open batch of `key`, flushing it when full. */
  append(key: string, event: FlowEvent): void {
    const now = this.clock.now();
    const open = this.#open.get(key);
    const result = batchAppend(open?.state, event, now, this.config);
    if ("flush" in result) {
      if (open) this.clock.clearTimeout(open.timer);
      this.#open.delete(key);
      this.onFlush(result.flush, key);
      return;
    }
    const timer = open?.timer ?? this.clock.setTimeout(() => this.#flush(key), this.config.timeoutMs);
    this.#open.set(key, { state: result.state, timer });
  }

  /** Drops every open batch (engine shutting down). */
  stop(): void {
    for (const { timer } of this.#open.values()) this.clock.clearTimeout(timer);
    this.#open.clear();
  }

  #flush(key: string): void {
    const open = this.#open.get(key);
    if (!open) return;
    this.#open.delete(key);
    this.onFlush(open.state.events, key);
  }
}
