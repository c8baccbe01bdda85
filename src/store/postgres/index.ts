/**
 * `fairway/store/postgres`: the PostgreSQL store, for many worker processes on one database.
 *
 * @module
 */

export type { RetryOptions } from "./postgres-database.js";
export { PostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
export { isPostgresUrl } from "./postgres-url.js";
export { isTransientPgError } from "./transient-error.js";
