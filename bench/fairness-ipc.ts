/**
 * The messages between `fairness-workers.ts` (the parent) and its `fairness-worker.ts` processes, and the
 * clock they share. The worker's module comment describes the exchange.
 */
import type { S1Job } from "./peers/scenarios.js";
import type { Started } from "./s1-metrics.js";

/** A message from the parent. */
export type ToWorker = { type: "send"; id: number; jobs: S1Job[] } | { type: "close" };
/** A message to the parent. */
export type FromWorker =
  | { type: "ready" }
  | { type: "sent"; id: number }
  | { type: "failed"; id: number; error: string }
  | { type: "report"; starts: RunStarted[]; ends: RunEnded[] };

/** A handler's start, with its run. */
export interface RunStarted extends Started {
  runId: string;
}

/** A handler's end: its run, tenant and when (epoch ms). */
export interface RunEnded {
  runId: string;
  tenant: string;
  at: number;
}

/** Epoch ms, sub-ms precision: comparable across the processes of one machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now();
