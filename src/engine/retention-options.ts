/**
 * `FairwayOptions.retention`, checked and with its defaults (`RetentionOptions`).
 *
 * @module
 */
import { ConfigError } from "../errors/index.js";
import type { RetentionOptions } from "./types.js";

/** Events kept after they were received by default, ms: 7 days. */
export const DEFAULT_EVENTS_MS = 7 * 24 * 60 * 60_000;

/** Time between retention passes by default, ms: 1 hour. */
export const DEFAULT_RETENTION_INTERVAL_MS = 60 * 60_000;

/** The retention settings in force. */
export interface Retention {
  eventsMs: number;
  intervalMs: number;
}

/**
 * The settings of `option` with the defaults filled in; `undefined` for `false` (no passes).
 * Throws ConfigError naming `retention`, `retention.eventsMs` (integer ≥ 0) or `retention.intervalMs`
 * (integer ≥ 1000).
 */
export function normalizeRetention(option: RetentionOptions | false | undefined): Retention | undefined {
  if (option === false) return undefined;
  if (option !== undefined && (typeof option !== "object" || option === null))
    throw new ConfigError("retention", "must be an object ({ eventsMs?, intervalMs? }) or false", option);
  const eventsMs = option?.eventsMs ?? DEFAULT_EVENTS_MS;
  if (!Number.isInteger(eventsMs) || eventsMs < 0)
    throw new ConfigError("retention.eventsMs", "must be an integer >= 0 (ms)", eventsMs);
  const intervalMs = option?.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS;
  if (!Number.isInteger(intervalMs) || intervalMs < 1000)
    throw new ConfigError("retention.intervalMs", "must be an integer >= 1000 (ms)", intervalMs);
  return { eventsMs, intervalMs };
}
