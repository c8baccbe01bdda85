/**
 * Which strings name a PostgreSQL database rather than a SQLite file, and the error for one that does not.
 *
 * @module
 */
import { ConfigError } from "../../errors/index.js";

/** A URL's scheme (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`) and `://`, e.g. `mysql://`. */
const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

/** True for a `postgres://` or `postgresql://` connection URL (any letter case of the scheme). */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** The scheme of `value` with its `://` (`mysql://`), or undefined when it has none (a file path). */
export function urlScheme(value: string): string | undefined {
  return URL_SCHEME.exec(value)?.[0];
}

/**
 * Throws ConfigError naming `field` unless `value` is a postgres:// or postgresql:// URL. The message shows
 * the scheme it got and nothing else of the value (a connection string may hold a password).
 */
export function requirePostgresUrl(field: string, value: string): void {
  if (isPostgresUrl(value)) return;
  throw new ConfigError(
    field,
    `must be a postgres:// or postgresql:// URL (got ${urlScheme(value) ?? "no URL scheme"})`,
  );
}
