/**
 * The SQLite `usage` table (migration 7): one row per model call with its token counts, indexed by run
 * and by time (totals over a window).
 *
 * @module
 */
import type Database from "better-sqlite3";
import { USAGE_FILTER_CONDITIONS, whereConditions } from "../filter-conditions.js";
import type { UsageQuery, UsageRecord, UsageTotal } from "../usage-record.js";

export interface UsageRowDb {
  id: string;
  run_id: string;
  function_id: string;
  tenant_key: string;
  model: string;
  provider: string | null;
  at: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number | null;
}

export function toUsage(row: UsageRowDb): UsageRecord {
  const record: UsageRecord = {
    id: row.id,
    runId: row.run_id,
    functionId: row.function_id,
    tenantKey: row.tenant_key,
    model: row.model,
    at: row.at,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
  };
  if (row.provider !== null) record.provider = row.provider;
  if (row.cached_input_tokens !== null) record.cachedInputTokens = row.cached_input_tokens;
  return record;
}

/** Prepared statements over `usage`. */
export function usageTable(db: Database.Database) {
  const put = db.prepare(
    `INSERT OR REPLACE INTO usage (id, run_id, function_id, tenant_key, model, provider, at,
       input_tokens, output_tokens, cached_input_tokens)
     VALUES (@id, @run_id, @function_id, @tenant_key, @model, @provider, @at,
       @input_tokens, @output_tokens, @cached_input_tokens)`,
  );
  const ofRun = db.prepare("SELECT * FROM usage WHERE run_id = ? ORDER BY at, id");
  const putAll = db.transaction((records: UsageRecord[]) => {
    for (const record of records) {
      put.run({
        id: record.id,
        run_id: record.runId,
        function_id: record.functionId,
        tenant_key: record.tenantKey,
        model: record.model,
        provider: record.provider ?? null,
        at: record.at,
        input_tokens: record.inputTokens,
        output_tokens: record.outputTokens,
        cached_input_tokens: record.cachedInputTokens ?? null,
      });
    }
  });
  return {
    put: (records: UsageRecord[]): void => putAll(records),
    ofRun: (runId: string): UsageRecord[] => (ofRun.all(runId) as UsageRowDb[]).map(toUsage),
    totals(query: UsageQuery): UsageTotal[] {
      const params: Record<string, unknown> = {};
      const where = whereConditions(USAGE_FILTER_CONDITIONS, query, (field, value) => {
        params[field] = value;
        return `@${field}`;
      });
      const sql = `SELECT tenant_key AS tenantKey, model, COUNT(*) AS calls,
          SUM(input_tokens) AS inputTokens, SUM(output_tokens) AS outputTokens,
          COALESCE(SUM(cached_input_tokens), 0) AS cachedInputTokens
        FROM usage ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        GROUP BY tenant_key, model ORDER BY tenant_key, model`;
      return db.prepare(sql).all(params) as UsageTotal[];
    },
  };
}
