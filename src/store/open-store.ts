/**
 * Resolves the `store` option of `new Fairway(...)` to a Store instance.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../errors/index.js";
import { MemoryStore } from "./memory/memory-store.js";
import { PostgresStore } from "./postgres/postgres-store.js";
import { isPostgresUrl, urlScheme } from "./postgres/postgres-url.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

/** Where the SQLite store lives when no `store` is given: `.fairway/fairway.db` under the working directory. */
export const DEFAULT_SQLITE_PATH = join(".fairway", "fairway.db");

/**
 * `"memory"` → MemoryStore; a `postgres://` or `postgresql://` URL → PostgresStore; another string →
 * SqliteStore at that path; a Store → itself; nothing → PostgresStore on `DATABASE_URL` when it is set,
 * else SQLite at `DEFAULT_SQLITE_PATH`. The client wraps what it returns so that a driver's failure in any
 * method surfaces as a `StoreError` (`toStoreError` in `store-failures.ts`). A PostgresStore knows where its
 * URL came from (`store` or `DATABASE_URL`), which a `StoreConnectionError` names.
 *
 * @throws ConfigError (`DATABASE_URL`) when `DATABASE_URL` is set but is not a postgres:// URL.
 * @throws ConfigError (`store`) when the string is empty, or is a URL of another scheme (`mysql://`, a
 *   misspelt `postgress://`), which would otherwise become a SQLite file of that name; the message shows
 *   the scheme only, never the rest of the URL (it may hold a password).
 */
export function openStore(option: Store | string | undefined): Store {
  if (option === undefined) {
    const url = process.env.DATABASE_URL;
    if (url === undefined || url === "") return new SqliteStore({ path: DEFAULT_SQLITE_PATH });
    return new PostgresStore();
  }
  if (option === "memory") return new MemoryStore();
  if (typeof option === "string") {
    if (isPostgresUrl(option)) return new PostgresStore({ connectionString: option }, "store");
    const scheme = urlScheme(option);
    if (scheme !== undefined)
      throw new ConfigError(
        "store",
        `a URL store must be postgres:// or postgresql:// (got ${scheme}); a SQLite store is a file path`,
      );
    if (option === "")
      throw new ConfigError("store", 'must be "memory", a postgres:// URL or a SQLite file path, not empty');
    return new SqliteStore({ path: option });
  }
  return option;
}
