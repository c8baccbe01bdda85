/**
 * Lifecycle notifications (`fairway.onRunEvent`): a synchronous fan-out to listeners. A listener that
 * throws is logged and does not affect the run or other listeners.
 *
 * @module
 */
import type { Logger, RunEvent } from "./types.js";

export type RunEventListener = (event: RunEvent) => void;

export class RunEventHub {
  private readonly listeners = new Set<RunEventListener>();

  constructor(private readonly logger: Logger) {}

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: RunEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error("run event listener threw", { type: event.type, runId: event.runId, error });
      }
    }
  }
}
