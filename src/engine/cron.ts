/**
 * Cron schedules for `{ cron }` triggers, via `croner`. A pattern may start with `TZ=Region/City `.
 *
 * @module
 */
import { Cron } from "croner";
import { ConfigError } from "../errors/index.js";

/** A parsed schedule: `next(after)` is the next fire time (ms) strictly after `after`, or undefined. */
export interface CronSchedule {
  next(after: number): number | undefined;
}

/** Parses `pattern`; throws ConfigError at `path` when croner rejects it. */
export function parseCron(pattern: string, path: string): CronSchedule {
  if (typeof pattern !== "string" || pattern.trim() === "") {
    throw new ConfigError(path, 'must be a cron pattern such as "*/5 * * * *"', pattern);
  }
  const match = /^TZ=(\S+)\s+(.*)$/.exec(pattern.trim());
  const expression = match ? (match[2] as string) : pattern;
  let job: Cron;
  try {
    job = new Cron(expression, { paused: true, ...(match ? { timezone: match[1] as string } : {}) });
  } catch (error) {
    throw new ConfigError(path, `is not a valid cron pattern: ${(error as Error).message}`, pattern);
  }
  return {
    next(after) {
      return job.nextRun(new Date(after))?.getTime();
    },
  };
}
