/**
 * `fairway-agents/store/sqlite`: the embedded SQLite store.
 *
 * @module
 */
export { SqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";
