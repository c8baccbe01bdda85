/**
 * A server's client starts when the server listens: it opens the store and resumes unfinished runs (a crashed
 * or redeployed worker's included), arms cron triggers and sweeps, without waiting for a first request.
 * Before, a worker serving with `createServer` did nothing until someone called its API: a standby worker
 * never took over a dead one's runs, and crons never fired. (A server that never listens, served through its
 * `fetch`, starts its client at the first health check instead.) A start that fails (the database
 * unreachable: a StoreError) is logged as one warning line naming the cause and the next try, and tried again
 * after 1 s, 2 s, 4 s … up to 60 s (`abandonDelayMs`, the engine's wait for a store), on the client's clock,
 * until it succeeds (after failures, logged as one warning line: the level of the failures it ends, so a
 * logger that shows the warnings, as the default one does, shows the recovery too) or the server closes;
 * the full error (stack, cause) goes to the debug level. Where the start stands is what `GET /api/health` reports while the client
 * is not started.
 *
 * @module
 */

import type { TimerHandle } from "../engine/clock.js";
import { abandonDelayMs } from "../engine/retry-backoff.js";
import type { Logger } from "../engine/types.js";
import { causeText } from "../errors/cause-text.js";
import { FairwayError } from "../errors/index.js";
import type { Fairway } from "../fairway.js";

/** Where a {@link ClientStarter} stands. */
export type StartState =
  /** An attempt is in flight; `settled` resolves (never rejects) once it ended and the state moved on. */
  | { phase: "starting"; settled: Promise<void> }
  /** The client started. */
  | { phase: "started" }
  /**
   * The last attempt failed with `error`, the `failures`-th failure in a row; the next attempt is at
   * `retryAt` (ms on the client's clock).
   */
  | { phase: "retrying"; error: unknown; failures: number; retryAt: number }
  /** No more attempts: `stop()` was called (the server closes) or the client was closed. */
  | { phase: "stopped" };

/** Starts a client and tries again until it starts; see the module doc. */
export interface ClientStarter {
  /** Where the start stands now. */
  state(): StartState;
  /** Cancels a pending retry and makes no more attempts (the server closes). Idempotent. */
  stop(): void;
}

/** Starts `client` now and again after each failure (see the module doc), logging to `logger`. */
export function startClient(client: Pick<Fairway, "start" | "clock">, logger: Logger): ClientStarter {
  let failures = 0;
  let retry: TimerHandle | undefined;
  const failed = (error: unknown) => {
    if (state.phase === "stopped") return;
    if (FairwayError.isInstance(error) && error.code === "client_closed") {
      state = { phase: "stopped" };
      return;
    }
    failures += 1;
    const delayMs = abandonDelayMs(failures);
    state = { phase: "retrying", error, failures, retryAt: client.clock.now() + delayMs };
    logger.warn(
      `could not start the client (open the store, resume runs): ${causeText(error)}; retrying in ${delayMs / 1000} s`,
      { failures, delayMs },
    );
    logger.debug("could not start the client: the full error", { error });
    retry = client.clock.setTimeout(() => {
      retry = undefined;
      state = attempt();
    }, delayMs);
  };
  const started = () => {
    if (state.phase === "stopped") return;
    state = { phase: "started" };
    if (failures > 0) logger.warn(`started the client (failed attempts before: ${failures})`, { failures });
  };
  const attempt = (): StartState => ({ phase: "starting", settled: client.start().then(started, failed) });
  let state = attempt();
  return {
    state: () => state,
    stop() {
      state = { phase: "stopped" };
      if (retry !== undefined) client.clock.clearTimeout(retry);
      retry = undefined;
    },
  };
}
