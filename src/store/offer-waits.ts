/**
 * Offering accepted events to pending waits inside `acceptEvents`' transaction (`WaitOffer`): what every
 * store shares. The event, the wait it resolves, the wait row's deletion and the run made due are one
 * transaction, so a crash can no longer fall between the accept and the offer, and the resume costs one
 * commit (one fsync) instead of two.
 *
 * @module
 */
import type { ResolveStepInput, StoredEvent, WaitOffer, WaitRow } from "./store.js";

/** The resolution of `wait` by `event` if `offer` takes it (as `resolveStep` with the event), else `undefined`. */
export function waitResolution(
  offer: WaitOffer,
  wait: WaitRow,
  event: StoredEvent,
  candidate: unknown,
  now: number,
): ResolveStepInput | undefined {
  const outputText = offer.resolves(wait, event, candidate);
  if (outputText === undefined) return undefined;
  return {
    runId: wait.runId,
    stepId: wait.stepId,
    status: "completed",
    outputText,
    eventId: event.id,
    waitId: wait.id,
    now,
  };
}

/** A synchronous store's own reads and writes, inside its transaction (SQLite, memory). */
export interface SyncWaitTable {
  /**
   * The pending waits for `eventName` whose match key equals the candidate's (as `Store.listWaits`);
   * `candidateOf` builds the candidate, called only when a wait has a match key to compare.
   */
  waits(eventName: string, candidateOf: () => unknown): WaitRow[];
  /** `Store.resolveStep` inside the transaction: true if it resolved the step. */
  resolve(input: ResolveStepInput): boolean;
}

/**
 * Offers `events`, in order, to the waits `table` lists for each; adds the runs whose wait was resolved to
 * `woken` (and returns it).
 */
export function offerEvents(
  events: StoredEvent[],
  offer: WaitOffer,
  now: number,
  table: SyncWaitTable,
  woken: Set<string> = new Set(),
): Set<string> {
  for (const event of events) {
    // Built only for an event some wait may take (most accepted events have none), once per event.
    let candidate: unknown;
    const candidateOf = () => (candidate ??= offer.candidate(event));
    for (const wait of table.waits(event.name, candidateOf)) {
      const resolution = waitResolution(offer, wait, event, candidateOf(), now);
      if (resolution && table.resolve(resolution)) woken.add(wait.runId);
    }
  }
  return woken;
}
