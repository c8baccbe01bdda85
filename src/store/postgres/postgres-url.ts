/**
 * Which strings name a PostgreSQL database rather than a SQLite file.
 *
 * @module
 */

/** True for a `postgres://` or `postgresql://` connection URL (any letter case of the scheme). */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}
