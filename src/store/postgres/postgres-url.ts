/**
 * Which strings name a PostgreSQL database rather than a SQLite file, and the error for one that does not.
 *
 * @module
 */
import { ConfigError } from "../../errors/index.js";

/**
 * A URL's scheme (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`) and its colon, with the `//` that
 * may follow: `mysql://`, `file:`, `postgres:`.
 */
const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:(\/\/)?/;

/** A Windows drive letter starting an absolute path (`C:\data`, `C:/data`): a path, not a URL scheme. */
const DRIVE_LETTER = /^[a-zA-Z]:[\\/]/;

/** A `postgres:` or `postgresql:` scheme without its `//` (any letter case): a mistyped PostgreSQL URL. */
const POSTGRES_WITHOUT_SLASHES = /^postgres(ql)?:$/i;

/** True for a `postgres://` or `postgresql://` connection URL (any letter case of the scheme). */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/**
 * The scheme of `value` with its colon and the `//` that follows it, if any (`mysql://`, `file:`,
 * `postgres:`), or undefined when it has none: a file path, including one that starts with a Windows drive
 * letter (`C:\data\runs.db`). Nothing after the scheme is returned (the rest of a URL may hold a password).
 */
export function urlScheme(value: string): string | undefined {
  if (DRIVE_LETTER.test(value)) return undefined;
  return URL_SCHEME.exec(value)?.[0];
}

/**
 * What a user who wrote `scheme` (as `urlScheme` returns it) most likely meant, when it is `postgres:` or
 * `postgresql:` without `//`: a PostgreSQL URL missing a slash. Undefined for any other scheme.
 */
export function malformedPostgresUrl(scheme: string): string | undefined {
  if (!POSTGRES_WITHOUT_SLASHES.test(scheme)) return undefined;
  return (
    `looks like a malformed PostgreSQL URL (${scheme} without //): ` +
    "write postgres://user:password@host:5432/database"
  );
}

/**
 * Throws ConfigError naming `field` unless `value` is a postgres:// or postgresql:// URL. The message shows
 * the scheme it got and nothing else of the value (a connection string may hold a password).
 */
export function requirePostgresUrl(field: string, value: string): void {
  if (isPostgresUrl(value)) return;
  const scheme = urlScheme(value);
  throw new ConfigError(
    field,
    (scheme === undefined ? undefined : malformedPostgresUrl(scheme)) ??
      `must be a postgres:// or postgresql:// URL (got ${scheme ?? "no URL scheme"})`,
  );
}
