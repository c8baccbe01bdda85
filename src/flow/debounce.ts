/**
 * Debounce: the run is scheduled `period` after the last event of a key, with that last event, and
 * never later than `timeout` after the first event of the series. An event whose `ts` is older than
 * the stored event's neither replaces it nor pushes the fire time back (events may arrive out of
 * order; the newest by `ts` wins, equal `ts` → the later arrival wins).
 *
 * @module
 */
import type { DebounceConfig } from "./config/types.js";

/** A pending debounce of one key. Times in ms on the injected clock. */
export interface DebounceState<E extends { ts: number }> {
  /** The event the run will get. */
  event: E;
  /** When the first event of this series arrived. */
  firstAt: number;
  /** When the run is to be scheduled. */
  fireAt: number;
}

/** What an offered event did to the debounce of its key. */
export type DebounceAction = "created" | "replaced" | "ignored";

/**
 * Offers `event`, arriving at `now`, to the pending debounce `state` of its key (`undefined` = none).
 * Pure: returns the new state for the caller to store and to (re)arm its timer at `state.fireAt`.
 */
export function debounceOffer<E extends { ts: number }>(
  state: DebounceState<E> | undefined,
  event: E,
  now: number,
  config: DebounceConfig,
): { action: DebounceAction; state: DebounceState<E> } {
  if (state === undefined) {
    return { action: "created", state: { event, firstAt: now, fireAt: capped(now, now, config) } };
  }
  if (event.ts < state.event.ts) return { action: "ignored", state };
  return {
    action: "replaced",
    state: { event, firstAt: state.firstAt, fireAt: capped(state.firstAt, now, config) },
  };
}

function capped(firstAt: number, now: number, config: DebounceConfig): number {
  const quietAt = now + config.periodMs;
  return config.timeoutMs === undefined ? quietAt : Math.min(quietAt, firstAt + config.timeoutMs);
}
