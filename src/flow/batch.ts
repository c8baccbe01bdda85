/**
 * Event batching: events of a key accumulate until `maxSize` is reached (the batch is flushed at
 * once) or `timeout` has passed since the first one (the caller's timer flushes at `deadline`). One
 * run gets all of them as `events[]`. Events for which `batchEvents.if` is not `true` skip batching
 * and run alone.
 *
 * @module
 */
import type { BatchEventsConfig } from "./config/types.js";
import type { CompileExpression } from "./expression.js";

/** An open batch of one key. */
export interface BatchState<E> {
  events: E[];
  openedAt: number;
  /** When the batch must be flushed even if not full (ms). */
  deadline: number;
}

/**
 * Appends `event` at `now`. Returns `flush` (the events of one run) when the batch is full, else the
 * open batch to store. Pure: `state` is not modified.
 */
export function batchAppend<E>(
  state: BatchState<E> | undefined,
  event: E,
  now: number,
  config: BatchEventsConfig,
): { flush: E[] } | { state: BatchState<E> } {
  const open = state ?? { events: [], openedAt: now, deadline: now + config.timeoutMs };
  const events = [...open.events, event];
  if (events.length >= config.maxSize) return { flush: events };
  return { state: { ...open, events } };
}

/** Whether `event` goes into a batch: true without `if`; with `if`, only when it evaluates to `true`. */
export function joinsBatch(config: BatchEventsConfig, compile: CompileExpression, event: unknown): boolean {
  if (config.if === undefined) return true;
  try {
    return compile(config.if)({ event }) === true;
  } catch {
    return false;
  }
}
