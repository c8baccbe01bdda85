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
import { type DebounceState, debounceOffer } from "./debounce.js";

/** A pending debounce or open batch (the Store's `FlowPendingState`). Times in ms. */
export interface PendingState {
  /** Stored event ids (ULIDs) the run will get, in order. */
  eventIds: string[];
  /** `ts` of the newest event kept. */
  lastTs: number;
  firstAt: number;
  dueAt: number;
}

/**
 * New state to write; events to release into one run (then `next`, if given, as a new entry); or
 * `undefined` (leave the entry alone).
 */
export type PendingChange = PendingState | { release: string[]; next?: PendingState } | undefined;

/** A change decided from the entry as stored (`current`) and the offered stored event (`{ id, ts }`). */
export type PendingApply = (
  current: PendingState | undefined,
  event: { id: string; ts: number } | undefined,
) => PendingChange;

/**
 * The debounce rule for an event offered at `now`: create, replace and push back, or ignore (older `ts`).
 * A series already due (its timer has not run yet, e.g. right after a restart) is released first and the
 * event starts a new one.
 */
export function debounceChange(config: DebounceConfig, now: number): PendingApply {
  return (current, event) => {
    if (!event) return undefined;
    const offered = { id: event.id, ts: event.ts };
    if (current && current.dueAt <= now) {
      return {
        release: current.eventIds,
        next: stateOf(debounceOffer(undefined, offered, now, config).state),
      };
    }
    const state = current && {
      event: { id: current.eventIds[0] ?? "", ts: current.lastTs },
      firstAt: current.firstAt,
      fireAt: current.dueAt,
    };
    const { action, state: next } = debounceOffer(state, offered, now, config);
    return action === "ignored" ? undefined : stateOf(next);
  };
}

function stateOf(debounce: DebounceState<{ id: string; ts: number }>): PendingState {
  const { event, firstAt, fireAt } = debounce;
  return { eventIds: [event.id], lastTs: event.ts, firstAt, dueAt: fireAt };
}

/**
 * The batching rule for an event offered at `now`: append, or release the batch it fills. A batch past
 * its timeout is released first and the event opens a new one.
 */
export function batchChange(config: BatchEventsConfig, now: number): PendingApply {
  return (current, event) => {
    if (!event) return undefined;
    if (current && current.dueAt <= now) {
      // maxSize ≥ 2: one event never fills a batch.
      const next = { eventIds: [event.id], lastTs: event.ts, firstAt: now, dueAt: now + config.timeoutMs };
      return { release: current.eventIds, next };
    }
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
