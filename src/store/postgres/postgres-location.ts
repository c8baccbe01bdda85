/**
 * Where a PostgreSQL store's data lives, fit to print: the connection URL without its password.
 *
 * @module
 */
import { printableUrl } from "../../peers/pg-connection.js";

/**
 * `connectionString` (a postgres:// URL) with its password replaced by `***` and its query string (which
 * may carry `password`, `sslpassword` or key paths) left out, followed by the schema, e.g.
 * `postgres://app:***@db:5432/fairway (schema "fairway")`. A URL that does not parse is not shown at all:
 * `postgres://… (schema "fairway")`.
 */
export function postgresLocation(connectionString: string, schema: string): string {
  return `${printableUrl(connectionString)} (schema "${schema}")`;
}
