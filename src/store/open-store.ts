/**
 * Resolves the `store` option of `new Fairway(...)` to a Store instance.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../errors/index.js";
import { MemoryStore } from "./memory/memory-store.js";
import { PostgresStore } from "./postgres/postgres-store.js";
import { isPostgresUrl, malformedPostgresUrl, urlScheme } from "./postgres/postgres-url.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import { requireSqlitePath } from "./sqlite-path.js";
import type { Store } from "./store.js";

/** Where the SQLite store lives when no `store` is given: `.fairway/fairway.db` under the working directory. */
export const DEFAULT_SQLITE_PATH = join(".fairway", "fairway.db");

/**
 * `"memory"` → MemoryStore; a `postgres://` or `postgresql://` URL → PostgresStore; a SQLite file path (with
 * a directory or an extension, see `sqlite-path.ts`) → SqliteStore at that path; `":memory:"` → SqliteStore
 * on SQLite's in-memory database (kept until `close()`); a Store → itself; nothing → PostgresStore on
 * `DATABASE_URL` when it is set, else SQLite at `DEFAULT_SQLITE_PATH`. The client wraps what it returns so
 * that a driver's failure in any method surfaces as a `StoreError` (`toStoreError` in `store-failures.ts`).
 * A PostgresStore knows where its URL came from (`store` or `DATABASE_URL`), which a `StoreConnectionError`
 * names.
 *
 * @throws ConfigError (`DATABASE_URL`) when `DATABASE_URL` is set but is not a postgres:// URL.
 * @throws ConfigError (`store`) when the string is empty; starts with a URL scheme and a colon other than
 *   `postgres://` (`mysql://`, a misspelt `postgress://`, `file:`, `postgres:/` missing a slash: said to be a
 *   malformed PostgreSQL URL; the message shows the scheme only, never the rest, which may hold a
 *   password; a Windows drive letter, `C:\…`, is a path); is another spelling of `"memory"` (`"Memory"`,
 *   `" memory"`); has whitespace at either end; starts with `~`; or is a bare name (`"memroy"`): each would
 *   otherwise become a SQLite file (and directories) of that name.
 */
export function openStore(option: Store | string | undefined): Store {
  if (option === undefined) {
    const url = process.env.DATABASE_URL;
    if (url === undefined || url === "") return new SqliteStore({ path: DEFAULT_SQLITE_PATH });
    return new PostgresStore();
  }
  if (typeof option !== "string") return option;
  if (option === "memory") return new MemoryStore();
  if (isPostgresUrl(option)) return new PostgresStore({ connectionString: option }, "store");
  const scheme = urlScheme(option);
  if (scheme !== undefined)
    throw new ConfigError(
      "store",
      malformedPostgresUrl(scheme) ??
        `a URL store must be postgres:// or postgresql:// (got ${scheme}); a SQLite store is a file path`,
    );
  requireSqlitePath(option);
  return new SqliteStore({ path: option });
}
