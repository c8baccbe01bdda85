/**
 * `fairway-agents/store/sqlite`: the embedded SQLite store.
 *
 * @module
 */
export type { GroupCommitStats } from "./group-commit.js";
export { SqliteStore, type SqliteStoreOptions, type SqliteSynchronous } from "./sqlite-store.js";
