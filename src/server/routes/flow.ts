import { Hono } from "hono";
import { z } from "zod";
import type { Run } from "../../engine/types.js";
import { NotFoundError } from "../../errors/not-found-error.js";
import type { AnyFairway } from "../../fairway.js";
import type { LimitOverride } from "../../store/limit-override.js";
import { type AuthVariables, guard } from "../auth/guard.js";
import type { ServerAuth } from "../auth/server-auth.js";
import { readQuery } from "../read-input.js";
import { DEFAULT_USAGE_WINDOW_MS } from "./usage.js";

/** Runs per function read to compute recent start latency. */
const LATENCY_SAMPLE = 200;

/** One row of `GET /api/flow`: a function × concurrency key. */
export interface FlowKeyView {
  functionId: string;
  /** Backlog key (first keyed concurrency value, else throttle key; `""` when none). */
  key: string;
  queued: number;
  running: number;
  throttled: number;
  /**
   * Start latency — creation to first execution (startedAt − createdAt, ms), the one definition the CLI and
   * the dashboard use — over this key's recently started runs; absent without any.
   */
  startLatencyMs?: { p50: number; p99: number; samples: number };
  /** The key's concurrency limit now: the override's when one is set, else the function's first keyed limit. */
  concurrencyLimit?: number;
  /** The key's limit override (`fairway.limits`), when one is set. */
  override?: LimitOverride;
  /** Tokens used by this key's runs of the function in the last 24 h (usage accounting). */
  tokens?: { input: number; output: number; calls: number };
}

const flowQuerySchema = z.strictObject({ function: z.string().min(1).optional() });

/**
 * `GET /api/flow[?function=<id>]` (signing key): per function and key, runs queued, running and
 * throttled now (`fairway.flowState`), with the start latency of the key's recent runs (the latest 200
 * runs of each function), the key's concurrency limit (with its override), and its tokens of the last
 * 24 h. Keys with recent runs, usage or an override but nothing queued or running are listed with zeros.
 */
export function flowRoutes(auth: ServerAuth, client: AnyFairway): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get("/api/flow", guard(auth, ["admin"]), async (c) => {
    const query = readQuery(c, flowQuerySchema);
    const functionIds = client.functions().map((fn) => fn.id);
    if (query.function !== undefined && !functionIds.includes(query.function)) {
      throw new NotFoundError("function", query.function);
    }
    const rows = new Map<string, FlowKeyView>();
    for (const entry of client.flowState(query.function)) {
      rows.set(rowId(entry.functionId, entry.key), { ...entry });
    }
    const rowOf = (functionId: string, key: string) => {
      const id = rowId(functionId, key);
      const row = rows.get(id) ?? { functionId, key, queued: 0, running: 0, throttled: 0 };
      rows.set(id, row);
      return row;
    };
    const since = client.clock.now() - DEFAULT_USAGE_WINDOW_MS;
    for (const fn of client.functions()) {
      if (query.function !== undefined && fn.id !== query.function) continue;
      const { runs } = await client.listRuns({ functionId: fn.id, limit: LATENCY_SAMPLE });
      for (const [key, latencies] of latenciesByKey(runs))
        rowOf(fn.id, key).startLatencyMs = summarize(latencies);
      for (const usage of await client.usage({ functionId: fn.id, since })) {
        const row = rowOf(fn.id, usage.tenantKey);
        const tokens = row.tokens ?? { input: 0, output: 0, calls: 0 };
        tokens.input += usage.inputTokens;
        tokens.output += usage.outputTokens;
        tokens.calls += usage.calls;
        row.tokens = tokens;
      }
      for (const override of await client.limits.list(fn.id)) rowOf(fn.id, override.key).override = override;
      const keyed = fn.config.flow.concurrency.find((limit) => limit.key !== undefined);
      for (const row of rows.values()) {
        if (row.functionId !== fn.id || keyed === undefined || row.key === "") continue;
        row.concurrencyLimit = row.override?.concurrency?.limit ?? keyed.limit;
      }
    }
    const keys = [...rows.values()].sort(
      (a, b) => a.functionId.localeCompare(b.functionId) || a.key.localeCompare(b.key),
    );
    return c.json({ keys });
  });
  return app;
}

function rowId(functionId: string, key: string): string {
  return `${functionId}\u0000${key}`;
}

/** Start latencies of started runs, grouped by backlog key (first non-empty concurrency key, else `""`). */
function latenciesByKey(runs: Run[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const run of runs) {
    if (run.startedAt === undefined) continue;
    const key = run.concurrencyKeys?.find((value) => value !== "") ?? "";
    const list = byKey.get(key) ?? [];
    list.push(run.startedAt - run.createdAt);
    byKey.set(key, list);
  }
  return byKey;
}

/** Nearest-rank p50 and p99 of `values` (ms). */
function summarize(values: number[]): { p50: number; p99: number; samples: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { p50: rank(0.5), p99: rank(0.99), samples: sorted.length };
}
