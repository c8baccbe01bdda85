/**
 * Durable debounce and batch state (Store contract, type-only): a pending debounce or an open batch is one
 * entry per function × kind × key, written in the transaction that stores the event changing it and
 * deleted in the transaction that creates its run, so an accepted event never waits in process memory
 * only, and a fire that races a crash yields exactly one run.
 *
 * @module
 */
import type { AdmissionWindow } from "../flow/store-admission.js";
import type { NewRun, StoredEvent } from "./store.js";

/** What an entry defers: a debounce (one event kept) or a batch (events appended). */
export type FlowPendingKind = "debounce" | "batch";

/** The changing part of an entry. Times in ms on the engine's clock. */
export interface FlowPendingState {
  /** Ids (ULIDs) of the stored events the run will get, in order; a debounce keeps one. */
  eventIds: string[];
  /** `ts` of the newest event kept (a debounce ignores events with an older `ts`). */
  lastTs: number;
  /** When the first event of the series (debounce) or of the batch arrived. */
  firstAt: number;
  /** When the run is created unless a later change moves it. */
  dueAt: number;
}

/** A pending debounce or open batch as stored. */
export interface FlowPending extends FlowPendingState {
  functionId: string;
  kind: FlowPendingKind;
  key: string;
}

/** Where a `Store.listDueFlowPending` page ends: the last entry's `dueAt`, function id, kind and key. */
export interface FlowPendingCursor {
  dueAt: number;
  functionId: string;
  kind: FlowPendingKind;
  key: string;
}

/**
 * What an update does: write the new state; release the events into one run (and, with `next`, open a new
 * entry under the same key at once); or leave the entry alone (`undefined`).
 */
export type FlowPendingChange = FlowPendingState | { release: string[]; next?: FlowPendingState } | undefined;

/**
 * A change to one entry, decided inside the store's transaction from the entry as stored (so two writers
 * never both act on a stale copy, as with PostgreSQL's `SELECT … FOR UPDATE`).
 */
export interface FlowPendingUpdate {
  functionId: string;
  kind: FlowPendingKind;
  key: string;
  /** Index into `AcceptEventsInput.events` of the event offered; none when a timer fires. */
  eventIndex?: number;
  /**
   * Pure: `current` is the stored state (none if no entry), `event` the offered event once stored. `release`
   * deletes the entry and creates the run `buildRun` returns for those events.
   */
  apply(current: FlowPendingState | undefined, event: StoredEvent | undefined): FlowPendingChange;
  /**
   * The run for the released stored events, in order; `undefined` creates none (the entry is still deleted).
   * `released` is the entry as stored before the release (its `firstAt` is when the deferral began), if any.
   */
  buildRun(events: StoredEvent[], released: FlowPendingState | undefined): NewRun | undefined;
  /**
   * The offered event's rate limit and idempotency (a debounce counts them when the event joins it), decided
   * again by a store several processes share (`Store.shared`) before it applies the update: see
   * {@link DeferralAdmission}. A store only one process writes does not decide it (the engine did) but records
   * its admissions when it applies the update (`Store.listAdmissions`).
   */
  admission?: DeferralAdmission;
}

/**
 * The windows an event counts in when it joins a debounce, and the run one process stores instead when one
 * of them is full. The store decides in the update's transaction, in the order of the updates: a full
 * window (the first, in order) means the update is not applied and `refused` is created `skipped` with that
 * window's reason (after its `dedup`, as any `NewRun`); otherwise the event counts in every window (under
 * `refused.run.id`, a run id never created) and the update is applied.
 */
export interface DeferralAdmission {
  /** Non-empty: `rateLimit:<fn>\u0000<key>` and/or `idempotency:<fn>\u0000<key>` (see `AdmissionWindow`). */
  windows: AdmissionWindow[];
  /** The event's run as one process would store it skipped (status `queued` here; the store skips it). */
  refused: Omit<NewRun, "admission">;
}
