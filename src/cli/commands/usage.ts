import ms from "ms";
import type { TenantModelUsage } from "../../engine/usage.js";
import { ConfigError } from "../../errors/config-error.js";
import { ApiClient } from "../api-client.js";
import { formatTable } from "../text-table.js";
import { type ConnectionOptions, connectionOf } from "./connection.js";

/** Flags of `fairway usage`. */
export interface UsageOptions extends ConnectionOptions {
  /** How far back (`"24h"`, `"7d"`) or a start time (ISO-8601 or ms since the epoch). @default "24h" */
  since?: string;
  /** End time (ISO-8601 or ms since the epoch). @default now */
  until?: string;
  function?: string;
  tenant?: string;
  json?: boolean;
}

/**
 * `fairway usage`: token usage per tenant × model over a window (`GET /api/usage`), as a table with a
 * total line, or JSON.
 *
 * @throws ConfigError naming `--since`/`--until` for a value that is neither a duration nor a time;
 *   ApiRequestError when the server refuses.
 */
export async function usageCommand(options: UsageOptions, now: () => number = Date.now): Promise<void> {
  const query = new URLSearchParams({ since: String(timeOf(options.since ?? "24h", "--since", now())) });
  if (options.until !== undefined) query.set("until", String(timeOf(options.until, "--until", now())));
  if (options.function) query.set("function", options.function);
  if (options.tenant !== undefined) query.set("tenant", options.tenant);
  const client = new ApiClient(connectionOf(options, "admin"));
  const body = await client.request<{ since: number; until: number; rows: TenantModelUsage[] }>(
    "GET",
    `/api/usage?${query}`,
  );
  process.stdout.write(options.json ? `${JSON.stringify(body, null, 2)}\n` : `${formatUsage(body.rows)}\n`);
}

/** Renders usage rows as a table (TENANT, MODEL, CALLS, INPUT, CACHED, OUTPUT, COST) with a TOTAL line. */
export function formatUsage(rows: readonly TenantModelUsage[]): string {
  const cells = (row: Omit<TenantModelUsage, "tenantKey" | "model">, tenant: string, model: string) => [
    tenant,
    model,
    String(row.calls),
    String(row.inputTokens),
    String(row.cachedInputTokens),
    String(row.outputTokens),
    row.cost === undefined ? "" : row.cost.toFixed(4),
  ];
  const total = { calls: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 } as TenantModelUsage;
  let cost: number | undefined = 0;
  for (const row of rows) {
    total.calls += row.calls;
    total.inputTokens += row.inputTokens;
    total.outputTokens += row.outputTokens;
    total.cachedInputTokens += row.cachedInputTokens;
    cost = cost === undefined || row.cost === undefined ? undefined : cost + row.cost;
  }
  if (cost !== undefined && rows.length > 0) total.cost = cost;
  const body = rows.map((row) => cells(row, row.tenantKey === "" ? "(none)" : row.tenantKey, row.model));
  return formatTable(
    ["TENANT", "MODEL", "CALLS", "INPUT", "CACHED", "OUTPUT", "COST"],
    [...body, cells(total, "TOTAL", "")],
  );
}

/** A duration back from `now` (`"24h"`), an ISO-8601 time, or ms since the epoch → ms since the epoch. */
function timeOf(value: string, flag: string, now: number): number {
  if (/^\d{1,15}$/.test(value)) return Number(value);
  const duration = ms(value as ms.StringValue) as number | undefined;
  if (typeof duration === "number" && Number.isFinite(duration) && duration > 0) return now - duration;
  const date = Date.parse(value);
  if (Number.isFinite(date)) return date;
  throw new ConfigError(
    flag,
    'must be a duration back from now ("24h", "7d"), an ISO-8601 time, or ms',
    value,
  );
}
