/**
 * Store failures as `StoreError`s: a database driver's error (SQLite's `SQLITE_FULL`, `SQLITE_BUSY`…, a
 * file system's `ENOSPC`, a PostgreSQL connection loss) thrown by any Store method surfaces as a
 * `StoreError` (code `store_failed`, HTTP 503: the caller may retry), whatever the store and whatever
 * the method, instead of an unclassified error that the server answers as a 500 fault. The client
 * (`src/fairway.ts`) passes every call of its store through {@link toStoreError}, in the wrapper that also
 * counts the call for the engine's idle point (`EngineActivity.track`).
 *
 * @module
 */
import { FairwayError } from "../errors/fairway-error.js";
import { StoreError } from "../errors/store-error.js";
import { isTransientPgError, NETWORK_CODES } from "./postgres/transient-error.js";

/** SQLite result codes of a database that cannot serve now (busy, full, unreadable), not of a bad query. */
const SQLITE_FAILURES =
  /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CORRUPT|CANTOPEN|NOTADB|NOMEM|PROTOCOL|INTERRUPT)/;
/** The SQLite ones worth retrying as they are. */
const SQLITE_RETRYABLE = /^SQLITE_(BUSY|LOCKED|INTERRUPT)/;
/** System error codes of a disk or a connection (Node's `error.code`). */
const SYSTEM_FAILURES = new Set(["ENOSPC", "EDQUOT", "EIO", "EROFS", "EMFILE", "ENFILE"]);
/** A connection that could not be made or was cut (retryable), or a host name that does not resolve. */
const CONNECTION_FAILURES = new Set([...NETWORK_CODES, "ENOTFOUND"]);
/**
 * PostgreSQL SQLSTATEs of a server that cannot serve now: connection exceptions (08), insufficient
 * resources (53, e.g. disk full), operator intervention (57P01–57P03: shutdown, cannot connect now),
 * serialization failure and deadlock (40001, 40P01), lock not available (55P03). Which of them are worth
 * retrying is the PostgreSQL store's one rule, `isTransientPgError`.
 */
const PG_FAILURES = /^(08|53|57P0[1-3]|40001|40P01|55P03)/;

/**
 * `error` as a StoreError when it is a store failure (see the module doc), else `error` unchanged
 * (FairwayErrors, and programming errors, which stay server faults). `operation` names the Store method.
 */
export function toStoreError(error: unknown, operation: string): unknown {
  if (FairwayError.isInstance(error) || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return error;
  let retryable: boolean;
  if (error.name === "SqliteError" && SQLITE_FAILURES.test(code)) retryable = SQLITE_RETRYABLE.test(code);
  else if (SYSTEM_FAILURES.has(code)) retryable = false;
  else if (CONNECTION_FAILURES.has(code)) retryable = true;
  else if ("severity" in error && /^[0-9A-Z]{5}$/.test(code) && PG_FAILURES.test(code)) {
    retryable = isTransientPgError(error);
  } else return error;
  return new StoreError(`The store failed (${code}) in ${operation}; retry later.`, {
    cause: error,
    retryable,
  });
}
