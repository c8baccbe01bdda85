/**
 * Resolves the `store` option of `new Fairway(...)` to a Store instance.
 *
 * @module
 */
import { join } from "node:path";
import { MemoryStore } from "./memory/memory-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";
import { reportStoreFailures } from "./store-failures.js";

/** Where the SQLite store lives when no `store` is given: `.fairway/fairway.db` under the working directory. */
export const DEFAULT_SQLITE_PATH = join(".fairway", "fairway.db");

/**
 * `"memory"` → MemoryStore; a string → SqliteStore at that path; a Store → itself; nothing → default
 * SQLite. Either way a driver's failure in any method surfaces as a `StoreError` (`store-failures.ts`).
 */
export function openStore(option: Store | string | undefined): Store {
  return reportStoreFailures(resolve(option));
}

function resolve(option: Store | string | undefined): Store {
  if (option === undefined) return new SqliteStore({ path: DEFAULT_SQLITE_PATH });
  if (option === "memory") return new MemoryStore();
  if (typeof option === "string") return new SqliteStore({ path: option });
  return option;
}
