/**
 * The SQLite `limit_overrides` table (migration 6): one row per function × key value, the override's
 * limits as a JSON object.
 *
 * @module
 */
import type Database from "better-sqlite3";
import type { LimitOverride } from "../limit-override.js";

interface LimitOverrideRowDb {
  function_id: string;
  key: string;
  limits: string;
  updated_at: number;
}

function toOverride(row: LimitOverrideRowDb): LimitOverride {
  const limits = JSON.parse(row.limits) as Pick<LimitOverride, "concurrency" | "throttle" | "rateLimit">;
  return { functionId: row.function_id, key: row.key, ...limits, updatedAt: row.updated_at };
}

/** Prepared statements over `limit_overrides`. */
export function limitOverridesTable(db: Database.Database) {
  const put = db.prepare(
    `INSERT OR REPLACE INTO limit_overrides (function_id, key, limits, updated_at)
     VALUES (@function_id, @key, @limits, @updated_at)`,
  );
  const get = db.prepare("SELECT * FROM limit_overrides WHERE function_id = ? AND key = ?");
  const remove = db.prepare("DELETE FROM limit_overrides WHERE function_id = ? AND key = ?");
  const all = db.prepare("SELECT * FROM limit_overrides ORDER BY function_id, key");
  const ofFunction = db.prepare("SELECT * FROM limit_overrides WHERE function_id = ? ORDER BY key");
  return {
    put(override: LimitOverride): void {
      const { functionId, key, updatedAt, ...limits } = override;
      put.run({ function_id: functionId, key, limits: JSON.stringify(limits), updated_at: updatedAt });
    },
    get(functionId: string, key: string): LimitOverride | undefined {
      const row = get.get(functionId, key) as LimitOverrideRowDb | undefined;
      return row ? toOverride(row) : undefined;
    },
    delete: (functionId: string, key: string): boolean => remove.run(functionId, key).changes > 0,
    list(functionId?: string): LimitOverride[] {
      const rows = functionId === undefined ? all.all() : ofFunction.all(functionId);
      return (rows as LimitOverrideRowDb[]).map(toOverride);
    },
  };
}
