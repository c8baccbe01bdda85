/**
 * `FairwayOptions.retention`, checked and with its defaults (`RetentionOptions`).
 *
 * @module
 */
import { ConfigError } from "../errors/index.js";
import type { RetentionOptions } from "./types.js";

const DAY_MS = 24 * 60 * 60_000;

/** Events kept after they were received by default, ms: 7 days. */
export const DEFAULT_EVENTS_MS = 7 * DAY_MS;

/**
 * Ended runs (with their steps) kept by default, ms: 30 days. Inngest keeps run history 24 hours to 90 days
 * by plan (14 on Pro); a month covers a monthly review and an incident found late, and bounds the tables.
 */
export const DEFAULT_RUNS_MS = 30 * DAY_MS;

/**
 * Usage records kept by default, ms: 400 days — a year of monthly totals and the month to compare it with;
 * longer when runs are kept longer (a kept run keeps its usage).
 */
export const DEFAULT_USAGE_MS = 400 * DAY_MS;

/** Time between retention passes by default, ms: 1 hour. */
export const DEFAULT_RETENTION_INTERVAL_MS = 60 * 60_000;

/** The retention settings in force; `false`: kept for ever. */
export interface Retention {
  eventsMs: number;
  runsMs: number | false;
  usageMs: number | false;
  intervalMs: number;
}

/**
 * The settings of `option` with the defaults filled in; `undefined` for `false` (no passes). `usageMs`
 * defaults to the longer of `DEFAULT_USAGE_MS` and `runsMs` (`false` when runs are kept for ever).
 * Throws ConfigError naming `retention`, `retention.eventsMs` (integer ≥ 0), `retention.runsMs` or
 * `retention.usageMs` (integer ≥ 0 or false; usage kept at least as long as runs) or
 * `retention.intervalMs` (integer ≥ 1000).
 */
export function normalizeRetention(option: RetentionOptions | false | undefined): Retention | undefined {
  if (option === false) return undefined;
  if (option !== undefined && (typeof option !== "object" || option === null))
    throw new ConfigError(
      "retention",
      "must be an object ({ eventsMs?, runsMs?, usageMs?, intervalMs? }) or false",
      option,
    );
  const eventsMs = option?.eventsMs ?? DEFAULT_EVENTS_MS;
  if (!Number.isInteger(eventsMs) || eventsMs < 0)
    throw new ConfigError("retention.eventsMs", "must be an integer >= 0 (ms)", eventsMs);
  const runsMs = keptFor("retention.runsMs", option?.runsMs ?? DEFAULT_RUNS_MS);
  const usageMs = keptFor(
    "retention.usageMs",
    option?.usageMs ?? (runsMs === false ? false : Math.max(DEFAULT_USAGE_MS, runsMs)),
  );
  if (usageMs !== false && (runsMs === false || usageMs < runsMs))
    throw new ConfigError(
      "retention.usageMs",
      `must be >= retention.runsMs (${runsMs === false ? "false: for ever" : `${runsMs} ms`}): a kept run keeps its usage`,
      usageMs,
    );
  const intervalMs = option?.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS;
  if (!Number.isInteger(intervalMs) || intervalMs < 1000)
    throw new ConfigError("retention.intervalMs", "must be an integer >= 1000 (ms)", intervalMs);
  return { eventsMs, runsMs, usageMs, intervalMs };
}

/** `value` if it is a time to keep (integer ms ≥ 0) or `false` (for ever); else a ConfigError naming `field`. */
function keptFor(field: string, value: unknown): number | false {
  if (value === false || (Number.isInteger(value) && (value as number) >= 0)) return value as number | false;
  throw new ConfigError(field, "must be an integer >= 0 (ms) or false (kept for ever)", value);
}
