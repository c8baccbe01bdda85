/**
 * Built-in thread stores for agent and network history, keyed by user (tenant) and thread.
 *
 * @module
 */
export { type PostgresHistoryOptions, postgresHistory } from "./postgres-history.js";
export { type SqliteHistoryOptions, sqliteHistory } from "./sqlite-history.js";
export type { ThreadRecord, ThreadStorage, ThreadStore, ThreadSummary } from "./thread-store.js";
export { threadStore } from "./thread-store.js";
