/**
 * The engine's own view of each user's backlog, next to the load generator's: samples
 * `fairway.flowState(functionId)` whenever a run starts or ends, and keeps the latest counts and the peak
 * number of runs the engine had executing per concurrency key. An independent check of the per-user limit.
 *
 * @module
 */
import type { RunEvent } from "../../src/index.js";

/** Per-key counts as `fairway.flowState` reports them. */
export interface FlowCounts {
  key: string;
  queued: number;
  running: number;
  throttled: number;
}

/** What the sampler reads from the engine. */
export interface FlowSource {
  onRunEvent(listener: (event: RunEvent) => void): () => void;
  flowState(functionId: string): readonly FlowCounts[];
}

const SAMPLED: ReadonlySet<RunEvent["type"]> = new Set([
  "run.started",
  "run.completed",
  "run.failed",
  "run.queued",
]);

/** Samples one function's flow state; call `stop()` when done. */
export class FlowSampler {
  readonly #latest = new Map<string, FlowCounts>();
  readonly #peakRunning = new Map<string, number>();
  readonly #unsubscribe: () => void;

  constructor(source: FlowSource, functionId: string) {
    const sample = () => {
      const seen = new Set<string>();
      for (const counts of source.flowState(functionId)) {
        seen.add(counts.key);
        this.#latest.set(counts.key, counts);
        this.#peakRunning.set(counts.key, Math.max(this.#peakRunning.get(counts.key) ?? 0, counts.running));
      }
      for (const key of this.#latest.keys()) if (!seen.has(key)) this.#latest.delete(key);
    };
    this.#unsubscribe = source.onRunEvent((event) => {
      if (event.functionId === functionId && SAMPLED.has(event.type)) sample();
    });
  }

  /** Runs waiting for their throttle time, per key, as last sampled. */
  throttled(key: string): number {
    return this.#latest.get(key)?.throttled ?? 0;
  }

  /** The most runs of `key` the engine reported executing at once. */
  peakRunning(key: string): number {
    return this.#peakRunning.get(key) ?? 0;
  }

  stop(): void {
    this.#unsubscribe();
  }
}
