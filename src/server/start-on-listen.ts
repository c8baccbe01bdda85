/**
 * A server's client starts when the server listens: it opens the store and resumes unfinished runs (a crashed
 * or redeployed worker's included), arms cron triggers and sweeps, without waiting for a first request.
 * Before, a worker serving with `createServer` did nothing until someone called its API: a standby worker
 * never took over a dead one's runs, and crons never fired. A start that fails (the database unreachable:
 * a StoreError) is logged and tried again after 1 s, 2 s, 4 s … up to 60 s (`abandonDelayMs`, the engine's
 * wait for a store), on the client's clock, until it succeeds or the server closes.
 *
 * @module
 */

import type { TimerHandle } from "../engine/clock.js";
import { abandonDelayMs } from "../engine/retry-backoff.js";
import type { Logger } from "../engine/types.js";
import { FairwayError } from "../errors/index.js";
import type { Fairway } from "../fairway.js";

/** Starts `client` now and again after each failure; `stop()` cancels a pending retry (server closing). */
export function startOnListen(client: Pick<Fairway, "start" | "clock">, logger: Logger): { stop(): void } {
  let failures = 0;
  let retry: TimerHandle | undefined;
  let stopped = false;
  const attempt = () => {
    retry = undefined;
    client.start().catch((error: unknown) => {
      if (stopped || (FairwayError.isInstance(error) && error.code === "client_closed")) return;
      failures += 1;
      const delayMs = abandonDelayMs(failures);
      logger.error("could not start the client (open the store, resume runs); retrying", {
        failures,
        delayMs,
        error,
      });
      retry = client.clock.setTimeout(attempt, delayMs);
    });
  };
  attempt();
  return {
    stop() {
      stopped = true;
      if (retry !== undefined) client.clock.clearTimeout(retry);
      retry = undefined;
    },
  };
}
