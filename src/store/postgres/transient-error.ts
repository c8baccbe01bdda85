/**
 * The one transient-error classifier of the PostgreSQL store: is a failed call worth retrying as is?
 * SQLSTATE first (what the server said), then the Node.js socket codes and the `pg` client's messages for
 * a connection that never opened or dropped.
 *
 * @module
 */

/**
 * SQLSTATE classes that are transient as a whole: 08 connection exception, 53 insufficient resources
 * (too many connections, out of memory, disk full is 53100 and is left out below), 57 operator
 * intervention (admin shutdown, crash shutdown, cannot connect now), 40 transaction rollback
 * (serialization failure, deadlock).
 */
const TRANSIENT_CLASSES = new Set(["08", "40", "53", "57"]);

/** Codes inside those classes that retrying does not fix. */
const PERMANENT_CODES = new Set([
  "53100", // disk_full
  "57014", // query_canceled (statement_timeout or a cancel request: retrying repeats it)
  "08P01", // protocol_violation
  "40002", // transaction_integrity_constraint_violation
]);

/** Other SQLSTATEs that are transient: lock_not_available (NOWAIT), object in use. */
const TRANSIENT_CODES = new Set(["55P03", "55006"]);

/** Node.js socket errors of a connection that could not be made or was cut. */
export const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** Messages the `pg` client (8.x) gives a dropped or timed-out connection, without a code. */
const NETWORK_MESSAGES = [
  /Connection terminated/i,
  /connection timeout/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /timeout exceeded when trying to connect/i,
];

/**
 * True if `error` is transient: a SQLSTATE in classes 08/40/53/57 (except disk full, a cancelled query,
 * a protocol violation) or 55P03/55006, a socket error (ECONNREFUSED, ECONNRESET, ETIMEDOUT, …), or the
 * `pg` client's "Connection terminated" family. Constraint violations, syntax errors and anything
 * unrecognised are permanent.
 */
export function isTransientPgError(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    if (PERMANENT_CODES.has(code)) return false;
    return TRANSIENT_CODES.has(code) || TRANSIENT_CLASSES.has(code.slice(0, 2));
  }
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isTransientPgError);
  return typeof message === "string" && NETWORK_MESSAGES.some((pattern) => pattern.test(message));
}
