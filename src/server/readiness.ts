/**
 * Whether this server can serve now, as `GET /api/health` reports it: its client has started (the store
 * opened, runs resumed) and the store answered recently. A load balancer in front of several workers on one
 * database sends events only to the workers that are ready; one whose database is unreachable, or whose
 * client has not started yet, answers 503 with the reason instead of taking events it would answer 503.
 *
 * @module
 */

import type { Clock } from "../engine/clock.js";
import { causeText } from "./cause-text.js";
import type { StartState } from "./client-starter.js";
import { settleWithin } from "./settle-within.js";
import { PROBE_TIMEOUT_MS, type StoreProbe } from "./store-probe.js";

/** Ready, or not with the reason: one sentence naming what is missing and its cause. */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** What {@link checkReadiness} looks at. */
export interface ReadinessSources {
  /** Where the start of the client stands (the server starts it here if nothing has yet: it never listened). */
  startState: () => StartState;
  /** The client's `start()`: resolved at once once started, rejected (ClosedError) once the client is closed. */
  start: () => Promise<void>;
  /** The store's answer. */
  probe: StoreProbe;
  /** The client's clock. */
  clock: Clock;
  /** How long to wait for a start in flight before answering "starting", ms. @default PROBE_TIMEOUT_MS (1000) */
  startWaitMs?: number;
}

/**
 * Ready when the client has started, is not closed, and the store answers (`StoreProbe`); else the reason:
 * the client is starting (a start in flight that did not end within `startWaitMs`), could not start (the
 * cause and when the next attempt is), is closed, or the store did not answer (its error, or the timeout).
 * Never rejects.
 */
export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const { clock } = sources;
  let state = sources.startState();
  if (state.phase === "starting") {
    await settleWithin(state.settled, sources.startWaitMs ?? PROBE_TIMEOUT_MS, clock);
    state = sources.startState();
  }
  if (state.phase !== "started") return { ready: false, reason: notStarted(state, clock.now()) };
  const closed = await sources.start().then(
    () => false,
    () => true,
  );
  if (closed) return { ready: false, reason: CLOSED };
  const answer = await sources.probe.check();
  if (answer.ok) return { ready: true };
  return {
    ready: false,
    reason: answer.timedOut
      ? `the store did not answer within ${sources.probe.timeoutMs} ms`
      : `the store did not answer: ${causeText(answer.error)}`,
  };
}

const CLOSED = "the client is closed (the server is shutting down)";

/** Why a client that has not started (or no longer runs) is not ready, at `now`. */
function notStarted(state: Exclude<StartState, { phase: "started" }>, now: number): string {
  switch (state.phase) {
    case "starting":
      return "the client is starting (opening the store, resuming runs)";
    case "retrying": {
      const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return `the client could not start: ${causeText(state.error)}; next attempt in ${seconds} s`;
    }
    case "stopped":
      return CLOSED;
  }
}
