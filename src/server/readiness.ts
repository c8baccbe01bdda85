/**
 * Whether this server can serve now, as `GET /api/health` reports it: its client has started (the store
 * opened, runs resumed) and the store answered recently. A load balancer in front of several workers on one
 * database sends events only to the workers that are ready; one whose database is unreachable, or whose
 * client has not started yet, answers 503 with the reason instead of taking events it would answer 503. The
 * reason names only what is missing; the error behind it (which may name internal hosts, ports and database
 * names) is kept apart as the `cause`, which the route shows only to the admin.
 *
 * @module
 */

import type { Clock } from "../engine/clock.js";
import { causeText } from "../errors/cause-text.js";
import type { StartState } from "./client-starter.js";
import { settleWithin } from "./settle-within.js";
import { PROBE_TIMEOUT_MS, type StoreProbe } from "./store-probe.js";

/**
 * Ready, or not: `reason` is one sentence naming what is missing, with no detail of the infrastructure
 * ("the store did not answer"); `cause` is the error behind it as one line (`causeText`: a driver's message,
 * which may name a host, port or database), present when there is an error (not for a timeout, a start in
 * flight or a closed client).
 */
export type Readiness = { ready: true } | { ready: false; reason: string; cause?: string };

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
 * the client is starting (a start in flight that did not end within `startWaitMs`), could not start (when
 * the next attempt is; the start's error as the `cause`), is closed, or the store did not answer (its error
 * as the `cause`, or the timeout in the reason). Never rejects.
 */
export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const { clock } = sources;
  let state = sources.startState();
  if (state.phase === "starting") {
    await settleWithin(state.settled, sources.startWaitMs ?? PROBE_TIMEOUT_MS, clock);
    state = sources.startState();
  }
  if (state.phase !== "started") return notStarted(state, clock.now());
  const closed = await sources.start().then(
    () => false,
    () => true,
  );
  if (closed) return CLOSED;
  const answer = await sources.probe.check();
  if (answer.ok) return { ready: true };
  if (answer.timedOut) {
    return { ready: false, reason: `the store did not answer within ${sources.probe.timeoutMs} ms` };
  }
  return { ready: false, reason: "the store did not answer", cause: causeText(answer.error) };
}

const CLOSED: Readiness = { ready: false, reason: "the client is closed (the server is shutting down)" };

/** Why a client that has not started (or no longer runs) is not ready, at `now`. */
function notStarted(state: Exclude<StartState, { phase: "started" }>, now: number): Readiness {
  switch (state.phase) {
    case "starting":
      return { ready: false, reason: "the client is starting (opening the store, resuming runs)" };
    case "retrying": {
      const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return {
        ready: false,
        reason: `the client could not start; next attempt in ${seconds} s`,
        cause: causeText(state.error),
      };
    }
    case "stopped":
      return CLOSED;
  }
}
