import { Hono } from "hono";
import { z } from "zod";
import type { Run } from "../../engine/types.js";
import { NotFoundError } from "../../errors/not-found-error.js";
import type { AnyFairway } from "../../fairway.js";
import { type AuthVariables, guard } from "../auth/guard.js";
import type { ServerAuth } from "../auth/server-auth.js";
import { readQuery } from "../read-input.js";

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
  /** Start latency (startedAt − createdAt, ms) over this key's recently started runs; absent without any. */
  startLatencyMs?: { p50: number; p99: number; samples: number };
}

const flowQuerySchema = z.strictObject({ function: z.string().min(1).optional() });

/**
 * `GET /api/flow[?function=<id>]` (signing key): per function and key, runs queued, running and
 * throttled now (`fairway.flowState`), with the start latency of the key's recent runs (the latest 200
 * runs of each function). Keys with recent runs but nothing queued or running are listed with zeros.
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
    for (const functionId of query.function === undefined ? functionIds : [query.function]) {
      const { runs } = await client.listRuns({ functionId, limit: LATENCY_SAMPLE });
      for (const [key, latencies] of latenciesByKey(runs)) {
        const id = rowId(functionId, key);
        const row = rows.get(id) ?? { functionId, key, queued: 0, running: 0, throttled: 0 };
        row.startLatencyMs = summarize(latencies);
        rows.set(id, row);
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
