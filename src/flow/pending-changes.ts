/**
 * Debounce and batching as changes to a stored pending entry: the engine hands these to the store, which
 * applies them inside the transaction that stores the event (or, for `dueChange`, when the entry's timer
 * fires), so the pending state is durable and never decided on a stale in-memory copy. Pure; the rules
 * themselves are in `debounce.ts` and `batch.ts`.
 *
 * @module
 */
import { batchAppend } from "./batch.js";
import type { BatchEventsConfig, DebounceConfig } from "./config/types.js";
import { debounceOffer } from "./debounce.js";

/** A pending debounce or open batch (the Store's `FlowPendingState`). Times in ms. */
export interface PendingState {
  /** Stored event ids (ULIDs) the run will get, in order. */
  eventIds: string[];
  /** `ts` of the newest event kept. */
  lastTs: number;
  firstAt: number;
  dueAt: number;
}

/** New state to write, events to release into one run, or `undefined` (leave the entry alone). */
export type PendingChange = PendingState | { release: string[] } | undefined;

/** A change decided from the entry as stored (`current`) and the offered stored event (`{ id, ts }`). */
export type PendingApply = (
  current: PendingState | undefined,
  event: { id: string; ts: number } | undefined,
) => PendingChange;

/** The debounce rule for an event offered at `now`: create, replace and push back, or ignore (older `ts`). */
export function debounceChange(config: DebounceConfig, now: number): PendingApply {
  return (current, event) => {
    if (!event) return undefined;
    const state = current && {
      event: { id: current.eventIds[0] ?? "", ts: current.lastTs },
      firstAt: current.firstAt,
      fireAt: current.dueAt,
    };
    const { action, state: next } = debounceOffer(state, { id: event.id, ts: event.ts }, now, config);
    if (action === "ignored") return undefined;
    return { eventIds: [next.event.id], lastTs: next.event.ts, firstAt: next.firstAt, dueAt: next.fireAt };
  };
}

/** The batching rule for an event offered at `now`: append, or release the batch it fills. */
export function batchChange(config: BatchEventsConfig, now: number): PendingApply {
  return (current, event) => {
    if (!event) return undefined;
    const open = current && { events: current.eventIds, openedAt: current.firstAt, deadline: current.dueAt };
    const result = batchAppend(open, event.id, now, config);
    if ("flush" in result) return { release: result.flush };
    const { events, openedAt, deadline } = result.state;
    const lastTs = Math.max(current?.lastTs ?? event.ts, event.ts);
    return { eventIds: events, lastTs, firstAt: openedAt, dueAt: deadline };
  };
}

/** A timer fired at `now`: release the entry if it is due (a later event may have moved `dueAt`). */
export function dueChange(now: number): PendingApply {
  return (current) =>
    current !== undefined && current.dueAt <= now ? { release: current.eventIds } : undefined;
}
