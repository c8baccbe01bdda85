/**
 * How many connections a `pg` pool that Fairway opens may hold (the PostgreSQL store's, `postgresHistory`'s):
 * the default and the check of a `maxConnections` option.
 *
 * @module
 */
import { ConfigError } from "../errors/config-error.js";

/**
 * Connections a pool Fairway opens holds at most when nothing says otherwise: 4. What costs is the number of
 * busy backends on the database server: keep the sum over every pool on one database within about 2–6 per
 * server core (the PostgreSQL wiki's "Number Of Database Connections"; `docs/benchmarks.md`, "Fewer
 * connections").
 */
export const DEFAULT_MAX_CONNECTIONS = 4;

/** PostgreSQL's largest `max_connections` (262143): a pool larger than any server allows is a mistake. */
const MAX_CONNECTIONS_LIMIT = 262_143;

/**
 * Checks a `maxConnections` option (undefined passes: the caller's default applies).
 *
 * @throws ConfigError naming `maxConnections` unless `value` is an integer from 1 to 262143.
 */
export function checkMaxConnections(value: unknown): void {
  if (
    value !== undefined &&
    (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_CONNECTIONS_LIMIT)
  )
    throw new ConfigError(
      "maxConnections",
      `must be an integer from 1 to ${MAX_CONNECTIONS_LIMIT} (PostgreSQL's largest max_connections)`,
      value,
    );
}
