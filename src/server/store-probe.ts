/**
 * Whether the store answers, as `GET /api/health` asks it: one `Store.ping` at a time, its outcome kept for
 * a short while, so a load balancer (or several, and dashboards) polling health costs the database at most
 * one round trip per `cacheMs`, whatever the polling rate. A ping that takes longer than `timeoutMs` counts
 * as a failure for the caller; it is not sent again while it is still in flight. The probe logs when the
 * store stops answering (one warning line with the cause; the full error at debug) and when it answers again
 * (one warning line too: the level of the failure it ends, so whoever saw the failure sees the recovery; the
 * default logger drops info): once per change, however often health is polled.
 *
 * @module
 */

import type { Clock } from "../engine/clock.js";
import type { Logger } from "../engine/types.js";
import { causeText } from "../errors/cause-text.js";
import { settleWithin } from "./settle-within.js";

/** How long a probe's outcome is reused, ms. */
export const PROBE_CACHE_MS = 2000;
/** How long a caller waits for the store to answer before it counts as not answering, ms. */
export const PROBE_TIMEOUT_MS = 1000;

/** A probe's outcome: the store answered, or did not (`error`: what the ping rejected with; none on a timeout). */
export type ProbeResult = { ok: true } | { ok: false; error?: unknown; timedOut?: true };

/** Options of {@link StoreProbe}. */
export interface StoreProbeOptions {
  /** One round trip to the store (`() => store.ping()`). */
  ping: () => Promise<void>;
  /** Times the cache and the timeout (the client's clock). */
  clock: Clock;
  /** Where the store's stopping and resuming to answer are logged (the server's logger). */
  logger: Logger;
  /** How long an outcome is reused, ms. @default PROBE_CACHE_MS (2000) */
  cacheMs?: number;
  /** How long to wait for an answer, ms. @default PROBE_TIMEOUT_MS (1000) */
  timeoutMs?: number;
}

/** Pings the store at most once per `cacheMs`, one ping at a time; see the module doc. */
export class StoreProbe {
  private readonly cacheMs: number;
  /** How long a caller waits for an answer, ms. */
  readonly timeoutMs: number;
  /** The last outcome and when it was known (ms on the clock). */
  private last: { result: ProbeResult; at: number } | undefined;
  /** The ping in flight, settling with its outcome (never rejects). */
  private pinging: Promise<ProbeResult> | undefined;
  /** Whether the last outcome was a failure (logged when it became one). */
  private failing = false;

  constructor(private readonly options: StoreProbeOptions) {
    this.cacheMs = options.cacheMs ?? PROBE_CACHE_MS;
    this.timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  }

  /**
   * The store's answer: the last outcome if it is younger than `cacheMs`, else the outcome of the ping in
   * flight (sending one if none is), or `{ ok: false, timedOut: true }` when it has not come within
   * `timeoutMs`. Never rejects.
   */
  async check(): Promise<ProbeResult> {
    const { clock } = this.options;
    if (this.last && clock.now() - this.last.at < this.cacheMs) return this.last.result;
    // Recorded in a reaction (always after this assignment, even when `ping` throws at once).
    this.pinging ??= this.ping().then((result) => {
      this.record(result);
      this.pinging = undefined;
      return result;
    });
    const answered = await settleWithin(this.pinging, this.timeoutMs, clock);
    if (answered) return answered.value;
    const result: ProbeResult = { ok: false, timedOut: true };
    this.record(result);
    return result;
  }

  /** Keeps `result` as the last outcome; logs when it changes from an answer to a failure or back. */
  private record(result: ProbeResult): void {
    const { clock, logger } = this.options;
    this.last = { result, at: clock.now() };
    if (result.ok === !this.failing) return;
    this.failing = !result.ok;
    if (result.ok) {
      logger.warn("the store answers again: the server is ready");
      return;
    }
    const cause = result.timedOut ? `no answer within ${this.timeoutMs} ms` : causeText(result.error);
    logger.warn(`the store did not answer: ${cause}; the server is not ready until it does`);
    if (!result.timedOut) logger.debug("the store did not answer: the full error", { error: result.error });
  }

  /** Sends one ping; its outcome. */
  private async ping(): Promise<ProbeResult> {
    try {
      await this.options.ping();
      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    }
  }
}
