/**
 * The filters of `Store.listRuns` and `Store.usageTotals` as SQL conditions: one definition for both SQL
 * stores. Each field has its condition with `$` standing for the field's value; each store writes its own
 * placeholder there (`@field` on SQLite, `$n` on PostgreSQL). The one condition that needs a dialect's JSON
 * functions, the run filter's `concurrencyKey` (the run's JSON list of concurrency keys holds the value), is
 * given by each store.
 *
 * @module
 */
import type { RunFilter } from "./store.js";
import type { UsageQuery } from "./usage-record.js";

/** Filter fields of `F` and their SQL conditions, `$` standing for the field's value, in a fixed order. */
export type FilterConditions<F> = ReadonlyArray<readonly [keyof F & string, string]>;

/** The `listRuns` conditions; `concurrencyKey`: the dialect's condition for that field. */
export function runFilterConditions(concurrencyKey: string): FilterConditions<RunFilter> {
  return [
    ["functionId", "function_id = $"],
    ["status", "status = $"],
    ["concurrencyKey", concurrencyKey],
    ["since", "created_at >= $"],
    ["until", "created_at < $"],
    ["startedSince", "started_at >= $"],
  ];
}

/** The `usageTotals` conditions over the `usage` table. */
export const USAGE_FILTER_CONDITIONS: FilterConditions<UsageQuery> = [
  ["since", "at >= $"],
  ["until", "at < $"],
  ["functionId", "function_id = $"],
  ["tenantKey", "tenant_key = $"],
  ["runId", "run_id = $"],
];

/**
 * The conditions of the fields set in `filter` (not `undefined`), in table order, each with its `$` replaced
 * by `placeholder(field, value, index)`: the store records the value and returns its placeholder (`index`
 * is the field's place in the table, for a store that names a statement per combination of fields).
 */
export function whereConditions<F extends object>(
  conditions: FilterConditions<F>,
  filter: F,
  placeholder: (field: keyof F & string, value: unknown, index: number) => string,
): string[] {
  const where: string[] = [];
  conditions.forEach(([field, condition], index) => {
    const value = filter[field];
    if (value !== undefined) where.push(condition.replace("$", placeholder(field, value, index)));
  });
  return where;
}
