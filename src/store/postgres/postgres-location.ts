/**
 * Where a PostgreSQL store's data lives, fit to print: the connection URL without its password.
 *
 * @module
 */

/**
 * `connectionString` (a postgres:// URL) with its password replaced by `***` and its query string (which
 * may carry `password`, `sslpassword` or key paths) left out, followed by the schema, e.g.
 * `postgres://app:***@db:5432/fairway (schema "fairway")`. A URL that does not parse is not shown at all:
 * `postgres://… (schema "fairway")`.
 */
export function postgresLocation(connectionString: string, schema: string): string {
  return `${printableUrl(connectionString)} (schema "${schema}")`;
}

/** `connectionString` without its password (`***`), query and fragment; `postgres://…` if it does not parse. */
export function printableUrl(connectionString: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return "postgres://…";
  }
  if (url.password !== "") url.password = "***";
  url.search = "";
  url.hash = "";
  return url.href;
}
