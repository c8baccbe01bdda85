/**
 * What every `pg` connection Fairway opens shares (the PostgreSQL store's, `postgresHistory`'s): the
 * application name it shows, its URL fit to print, and the error for a connection the server refused.
 *
 * @module
 */
import { StoreConnectionError, type StoreUrlOrigin } from "../errors/store-connection-error.js";

/**
 * The name Fairway's connections show in `pg_stat_activity` (`application_name`) unless the connection
 * string, the pool's `application_name` or `PGAPPNAME` sets one: sent as `pg`'s `fallback_application_name`.
 */
export const FALLBACK_APPLICATION_NAME = "fairway";

/**
 * SQLSTATEs with which the server refuses a connection for what the URL names (no retry can help): the
 * database does not exist, the role does not exist or may not log in, the password is wrong.
 */
const REFUSED_CONNECTION = new Set(["3D000", "28000", "28P01"]);

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

/**
 * A StoreConnectionError naming `origin` (its URL already printable) when `error` is a `pg` error whose
 * SQLSTATE says the server refused the connection for what the URL names (`3D000`, `28000`, `28P01`);
 * undefined for any other error.
 */
export function refusedConnection(origin: StoreUrlOrigin, error: unknown): StoreConnectionError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !REFUSED_CONNECTION.has(code)) return undefined;
  return new StoreConnectionError(
    origin,
    code,
    error instanceof Error ? error.message : String(error),
    error,
  );
}
