import { ConfigError } from "../../errors/config-error.js";
import type { LimitOverride } from "../../store/limit-override.js";
import { ApiClient } from "../api-client.js";
import { formatTable } from "../text-table.js";
import { type ConnectionOptions, connectionOf } from "./connection.js";

/** Flags of `fairway limits set`. Numbers arrive checked by the CLI's parser (integers in the config's ranges). */
export interface LimitsSetOptions extends ConnectionOptions {
  concurrency?: number;
  /** The key expression of the concurrency limit to override (functions with two keyed limits). */
  concurrencyKey?: string;
  throttleLimit?: number;
  throttlePeriod?: string;
  throttleBurst?: number;
  rateLimit?: number;
  ratePeriod?: string;
  json?: boolean;
}

/** Flags of `fairway limits get|ls|rm`. */
export interface LimitsReadOptions extends ConnectionOptions {
  json?: boolean;
}

const path = (functionId: string, key?: string) =>
  `/api/functions/${encodeURIComponent(functionId)}/limits${key === undefined ? "" : `/${encodeURIComponent(key)}`}`;

/**
 * `fairway limits set <function> <key>`: sets the override of one key value (PUT
 * `/api/functions/:id/limits/:key`) and prints it.
 *
 * @throws ConfigError naming the flag when a throttle/rate flag lacks its pair;
 *   ApiRequestError when the server refuses the override (its message names the field and the rule).
 */
export async function limitsSetCommand(
  functionId: string,
  key: string,
  options: LimitsSetOptions,
): Promise<void> {
  const body: Record<string, unknown> = {};
  if (options.concurrency !== undefined) {
    const limit = options.concurrency;
    body.concurrency = options.concurrencyKey === undefined ? limit : { limit, key: options.concurrencyKey };
  }
  if (options.throttleLimit !== undefined || options.throttlePeriod !== undefined) {
    body.throttle = {
      limit: required(options.throttleLimit, "--throttle-limit"),
      period: required(options.throttlePeriod, "--throttle-period"),
      ...(options.throttleBurst !== undefined && { burst: options.throttleBurst }),
    };
  }
  if (options.rateLimit !== undefined || options.ratePeriod !== undefined) {
    body.rateLimit = {
      limit: required(options.rateLimit, "--rate-limit"),
      period: required(options.ratePeriod, "--rate-period"),
    };
  }
  const client = new ApiClient(connectionOf(options, "admin"));
  const override = await client.request<LimitOverride>("PUT", path(functionId, key), body);
  print([override], options.json);
}

/** `fairway limits get <function> <key>`: one override. @throws ApiRequestError (404 when none). */
export async function limitsGetCommand(
  functionId: string,
  key: string,
  options: LimitsReadOptions,
): Promise<void> {
  const client = new ApiClient(connectionOf(options, "admin"));
  print([await client.request<LimitOverride>("GET", path(functionId, key))], options.json);
}

/** `fairway limits ls [function]`: every override, or one function's. */
export async function limitsListCommand(
  functionId: string | undefined,
  options: LimitsReadOptions,
): Promise<void> {
  const client = new ApiClient(connectionOf(options, "admin"));
  const url = functionId === undefined ? "/api/limits" : path(functionId);
  const { overrides } = await client.request<{ overrides: LimitOverride[] }>("GET", url);
  print(overrides, options.json);
}

/** `fairway limits rm <function> <key>`: deletes an override. @throws ApiRequestError (404 when none). */
export async function limitsRemoveCommand(
  functionId: string,
  key: string,
  options: ConnectionOptions,
): Promise<void> {
  const client = new ApiClient(connectionOf(options, "admin"));
  await client.request("DELETE", path(functionId, key));
  process.stdout.write(`removed the override of ${functionId} / ${key}\n`);
}

/** Renders overrides as a table: concurrency as `3` (or `3 (expr)`), throttle and rate limit as `limit/period`. */
export function formatOverrides(overrides: readonly LimitOverride[]): string {
  const rows = overrides.map((o) => [
    o.functionId,
    o.key,
    o.concurrency ? `${o.concurrency.limit}${o.concurrency.key ? ` (${o.concurrency.key})` : ""}` : "",
    o.throttle
      ? `${o.throttle.limit}/${o.throttle.periodMs} ms${o.throttle.burst ? ` +${o.throttle.burst}` : ""}`
      : "",
    o.rateLimit ? `${o.rateLimit.limit}/${o.rateLimit.periodMs} ms` : "",
    new Date(o.updatedAt).toISOString().replace("T", " ").slice(0, 19),
  ]);
  return formatTable(["FUNCTION", "KEY", "CONCURRENCY", "THROTTLE", "RATE LIMIT", "UPDATED"], rows);
}

function print(overrides: readonly LimitOverride[], json: boolean | undefined): void {
  process.stdout.write(json ? `${JSON.stringify(overrides, null, 2)}\n` : `${formatOverrides(overrides)}\n`);
}

function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new ConfigError(flag, "is required with the other flags of the same limit");
  return value;
}
