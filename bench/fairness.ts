/**
 * S1 (DESIGN.md §6): one heavy tenant floods 50k runs, 20 light tenants send 1 run/s each; handler = 20 ms
 * of simulated I/O; function concurrency 32 and per-key 32, so the heavy tenant alone can fill every slot.
 * Runs the real engine (memory store, or SQLite with STORE=sqlite; system clock) with fair ordering and with plain FIFO ordering as the
 * baseline, alternating (fair, fifo, fair, fifo) to even out machine noise, each round a fresh engine with a
 * fresh 50k flood, 2 s of warm-up, and a measurement window of WINDOW_S / 2 seconds (default 30 s per
 * ordering in total). Light runs counted are those sent within the window.
 * Prints light-tenant enqueue→start p50/p99, heavy throughput, and Jain's fairness index per 1 s window.
 * Then prints the scheduler's dispatch cost at 0, 100k and 1M queued runs (S3: a fresh tenant's start
 * at 1M backlog vs 0).
 *
 * Run: `npx tsx bench/fairness.ts` (about 100 s). `WINDOW_S=10` shortens the windows; `--postgres` runs S1
 * on the PostgreSQL store (one process); `--postgres --workers 4` runs bench/peers' S1 with 4 worker
 * processes on one schema, next to DBOS (`fairness-workers.ts`).
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { FairScheduler } from "../src/flow/fair-scheduler.js";
import type { QueueItem } from "../src/flow/queue-item.js";
import { Fairway } from "../src/index.js";
import { runWorkers } from "./fairness-workers.js";
import { dropSchemaOf, freshSchemaUrl } from "./postgres-schema.js";
import { jainPerSecond, percentile, type Started, summary } from "./s1-metrics.js";

const HEAVY_RUNS = 50_000;
const LIGHT_TENANTS = 20;
const HANDLER_MS = 20;
const CONCURRENCY = 32;
const WINDOW_S = Number(process.env.WINDOW_S ?? 30);
const ROUNDS = 2;
/** Light tenants start sending when the flood is in; measuring starts this much later (JIT, GC of the flood). */
const WARMUP_MS = 2000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
/**
 * `STORE=sqlite` runs S1 on a SQLite file (WAL) instead of the memory store; `--postgres` on the PostgreSQL
 * store at `DATABASE_URL` (default the local test database; one process), a fresh schema per scenario,
 * dropped after it.
 */
const STORE = process.argv.includes("--postgres")
  ? "postgres"
  : process.env.STORE === "sqlite"
    ? "sqlite"
    : "memory";
/** A fresh store for one scenario (a path, a postgres:// URL with its schema, or "memory"). */
function storeFor(): string {
  if (STORE === "sqlite") return join(mkdtempSync(join(tmpdir(), "fairway-bench-")), "fairway.db");
  return STORE === "postgres" ? freshSchemaUrl("fw_bench_fairness") : "memory";
}

/** Drops the schema of a PostgreSQL scenario's store (`storeFor`); nothing for the other stores. */
async function removeStore(location: string): Promise<void> {
  if (STORE === "postgres") await dropSchemaOf(location);
}

interface ScenarioResult {
  /** Event-loop delay during the window (ms): p99 and max, to tell scheduling from process stalls. */
  loopDelay: { p99: number; max: number };
  lightLatencies: number[];
  lightSent: number;
  heavyStarts: number;
  seconds: number;
  jain: number[];
}

async function scenario(ordering: "fair" | "fifo", windowS: number): Promise<ScenarioResult> {
  const location = storeFor();
  const fairway = new Fairway({ id: `bench-${ordering}`, store: location, logger: silent, ordering });
  const samples: Started[] = [];
  const sent: Array<{ tenant: string; at: number }> = [];
  fairway.createFunction(
    {
      id: "work",
      concurrency: [{ limit: CONCURRENCY }, { limit: CONCURRENCY, key: "event.data.tenant" }],
    },
    { event: "work/requested" },
    async ({ event }) => {
      samples.push({
        tenant: String(event.data.tenant),
        sentAt: Number(event.data.sentAt),
        startedAt: performance.now(),
      });
      await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
    },
  );
  await fairway.start();
  for (let offset = 0; offset < HEAVY_RUNS; offset += 5000) {
    const now = performance.now();
    const batch = Array.from({ length: 5000 }, () => ({
      name: "work/requested",
      data: { tenant: "heavy", sentAt: now },
    }));
    for (let i = 0; i < batch.length; i++) sent.push({ tenant: "heavy", at: now });
    await fairway.send(batch);
  }
  const timers: NodeJS.Timeout[] = [];
  for (let t = 0; t < LIGHT_TENANTS; t++) {
    const tenant = `light-${t}`;
    const fire = () => {
      const at = performance.now();
      sent.push({ tenant, at });
      void fairway.send({ name: "work/requested", data: { tenant, sentAt: at } });
    };
    timers.push(
      setTimeout(
        () => {
          fire();
          timers.push(setInterval(fire, 1000));
        },
        (1000 * t) / LIGHT_TENANTS,
      ),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const windowStart = performance.now();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  await new Promise((resolve) => setTimeout(resolve, windowS * 1000));
  for (const timer of timers) clearTimeout(timer);
  const windowEnd = performance.now();
  loop.disable();
  await fairway.close();
  await removeStore(location);

  const inWindow = samples.filter((s) => s.startedAt >= windowStart && s.startedAt < windowEnd);
  const sentInWindow = (at: number) => at >= windowStart && at < windowEnd;
  const lightLatencies = samples
    .filter((s) => s.tenant !== "heavy" && sentInWindow(s.sentAt))
    .map((s) => s.startedAt - s.sentAt);
  return {
    loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    lightLatencies,
    lightSent: sent.filter((s) => s.tenant !== "heavy" && sentInWindow(s.at)).length,
    heavyStarts: inWindow.filter((s) => s.tenant === "heavy").length,
    seconds: (windowEnd - windowStart) / 1000,
    jain: jainPerSecond(sent, samples, windowStart, windowEnd),
  };
}

/** Cost of one dispatch for a fresh tenant (enqueue + a slot frees + next) with `queued` runs over 10k keys. */
function dispatchCost(queued: number): { p50: number; p99: number } {
  const scheduler = new FairScheduler();
  const fn = { id: "fn:work", limit: CONCURRENCY };
  const item = (runId: string, tenant: string, createdAt: number): QueueItem => ({
    runId,
    functionId: "work",
    kind: "start",
    createdAt,
    claims: [fn, { id: `fn:work:k=${tenant}`, limit: CONCURRENCY }],
    key: tenant,
  });
  for (let i = 0; i < queued; i++) scheduler.enqueue(item(`q${i}`, `t${i % 10_000}`, i));
  const running: string[] = [];
  for (let next = scheduler.next(0); next; next = scheduler.next(0)) running.push(next.runId);
  const samples: number[] = [];
  for (let i = 0; i < 50_000; i++) {
    const fresh = item(`fresh${i}`, `fresh${i}`, queued + i);
    const before = performance.now();
    scheduler.enqueue(fresh);
    scheduler.release(running.shift()!);
    const next = scheduler.next(0)!;
    samples.push(performance.now() - before);
    running.push(next.runId);
  }
  return { p50: percentile(samples, 50) * 1000, p99: percentile(samples, 99) * 1000 };
}

/**
 * Through the engine: send→handler-start latency of a fresh tenant's run (a function without limits)
 * while another function holds `backlog` queued runs over 10k keys (all waiting on its limit of 1).
 */
async function freshTenantLatency(backlog: number): Promise<{ p50: number; p99: number }> {
  const fairway = new Fairway({ id: "bench-fresh", store: "memory", logger: silent });
  let endBusy: () => void = () => {};
  const busy = new Promise<void>((resolve) => {
    endBusy = resolve;
  });
  fairway.createFunction(
    { id: "busy", concurrency: [{ limit: 1 }, { limit: 1, key: "event.data.tenant" }] },
    { event: "busy" },
    () => busy,
  );
  let started: () => void = () => {};
  fairway.createFunction({ id: "fresh" }, { event: "fresh" }, () => started());
  for (let offset = 0; offset < backlog; offset += 5000) {
    const size = Math.min(5000, backlog - offset);
    await fairway.send(
      Array.from({ length: size }, (_, i) => ({
        name: "busy",
        data: { tenant: `t${(offset + i) % 10_000}` },
      })),
    );
  }
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const begun = new Promise<void>((resolve) => {
      started = resolve;
    });
    const before = performance.now();
    await fairway.send({ name: "fresh", data: {} });
    await begun;
    if (i >= 50) samples.push(performance.now() - before);
  }
  endBusy();
  await fairway.close();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function main(): Promise<void> {
  console.log(
    `S1 fairness: ${HEAVY_RUNS} heavy runs + ${LIGHT_TENANTS} light tenants at 1 run/s, handler ${HANDLER_MS} ms, ` +
      `concurrency ${CONCURRENCY} (fn) and ${CONCURRENCY} (per key), ${STORE} store, ${WINDOW_S} s window each`,
  );
  const results = { fair: [] as ScenarioResult[], fifo: [] as ScenarioResult[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const ordering of ["fair", "fifo"] as const)
      results[ordering].push(await scenario(ordering, WINDOW_S / ROUNDS));
  }
  const heavyRate = (runs: ScenarioResult[]) =>
    runs.reduce((a, r) => a + r.heavyStarts, 0) / runs.reduce((a, r) => a + r.seconds, 0);
  for (const ordering of ["fair", "fifo"] as const) {
    const runs = results[ordering];
    const latencies = runs.flatMap((r) => r.lightLatencies);
    const sent = runs.reduce((a, r) => a + r.lightSent, 0);
    const light =
      latencies.length === 0
        ? `light: none of the ${sent} runs sent in the window started (enqueue→start > ${WINDOW_S / ROUNDS} s)`
        : `light enqueue→start p50 ${percentile(latencies, 50).toFixed(2)} ms, ` +
          `p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${percentile(latencies, 100).toFixed(2)} ms ` +
          `(${latencies.length} of ${sent} sent in the window started)`;
    console.log(
      `${ordering.padEnd(4)}  ${light}; heavy ${heavyRate(runs).toFixed(0)} runs/s; ` +
        `Jain per 1 s: ${summary(runs.flatMap((r) => r.jain))}; event-loop delay p99 ` +
        `${Math.max(...runs.map((r) => r.loopDelay.p99)).toFixed(1)} ms, max ${Math.max(...runs.map((r) => r.loopDelay.max)).toFixed(1)} ms`,
    );
  }
  const ratio = (100 * heavyRate(results.fair)) / heavyRate(results.fifo);
  console.log(`heavy throughput fair/fifo: ${ratio.toFixed(1)} %`);
  console.log(
    "fresh tenant send→start through the engine (memory store), another function's backlog over 10k keys:",
  );
  for (const backlog of [0, 100_000]) {
    const latency = await freshTenantLatency(backlog);
    console.log(
      `  ${String(backlog).padStart(9)} queued: p50 ${latency.p50.toFixed(3)} ms, p99 ${latency.p99.toFixed(3)} ms`,
    );
  }
  console.log(
    "scheduler dispatch cost (fresh tenant: enqueue + slot freed + next), 10k keys in the backlog:",
  );
  const base = dispatchCost(0);
  for (const queued of [0, 100_000, 1_000_000]) {
    const cost = queued === 0 ? base : dispatchCost(queued);
    console.log(
      `  ${String(queued).padStart(9)} queued: p50 ${cost.p50.toFixed(2)} µs, p99 ${cost.p99.toFixed(2)} µs ` +
        `(${(cost.p50 / base.p50).toFixed(1)}× p50 at 0)`,
    );
  }
}

/** `--workers N` (with `--postgres`): S1 with N worker processes next to DBOS (`fairness-workers.ts`). */
const { values: flags } = parseArgs({
  options: { postgres: { type: "boolean" }, workers: { type: "string" } },
});
if (flags.workers === undefined) {
  await main();
} else {
  const workers = Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`--workers: must be an integer >= 1, got "${flags.workers}"`);
  if (!flags.postgres) throw new Error("--workers: runs on PostgreSQL only; add --postgres");
  await runWorkers(workers);
}
