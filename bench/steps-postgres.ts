/**
 * S2 (DESIGN.md §6) on PostgreSQL with `--postgres` (without it: SQLite at its defaults; `bench/steps.ts`
 * compares SQLite's durability modes). A function of 10 no-op `step.run`s; runs
 * executed with `maxConcurrentRuns` 1 and 256. Prints durable steps/s (every step checkpointed to the SQLite
 * file before the next starts), the wall-clock cost per step, and the latency of each `await step.run(...)`
 * (p50/p99), which at concurrency 1 is the per-step overhead of the engine.
 *
 * Run: `npx tsx bench/steps-postgres.ts --postgres`. `RUNS=5000` changes the runs per scenario. `--postgres` runs
 * the same on the PostgreSQL store (one worker) at `DATABASE_URL` (default the local test database), in a
 * fresh schema dropped afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Fairway } from "../src/index.js";
import { PostgresStore } from "../src/store/postgres/index.js";
import type { Store } from "../src/store/store.js";

const RUNS = Number(process.env.RUNS ?? 3000);
const STEPS = 10;
const POSTGRES = process.argv.includes("--postgres");
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
let schemas = 0;

/** A fresh store for one scenario and how to remove it afterwards. */
function openBenchStore(): { store: Store | string; remove: () => Promise<void> } {
  if (!POSTGRES) {
    const dir = mkdtempSync(join(tmpdir(), "fairway-bench-steps-"));
    return {
      store: join(dir, "fairway.db"),
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `fw_bench_steps_${process.pid}_${schemas++}`;
  const remove = async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  };
  return { store: new PostgresStore({ connectionString: DATABASE_URL, schema }), remove };
}
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function scenario(concurrency: number, runs: number) {
  const { store, remove } = openBenchStore();
  const fairway = new Fairway({
    id: "bench",
    store,
    logger: silent,
    maxConcurrentRuns: concurrency,
  });
  const latencies: number[] = [];
  let done = 0;
  let finished: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    finished = resolve;
  });
  fairway.createFunction({ id: "ten-steps" }, { event: "bench/go" }, async ({ step }) => {
    for (let i = 0; i < STEPS; i++) {
      const start = performance.now();
      await step.run(`s${i}`, () => i);
      latencies.push(performance.now() - start);
    }
    return STEPS;
  });
  fairway.onRunEvent((event) => {
    if (event.type === "run.completed" && ++done === runs) finished();
  });
  await fairway.start();
  const events = Array.from({ length: runs }, (_, n) => ({ name: "bench/go", data: { n } }));
  const started = performance.now();
  for (let i = 0; i < events.length; i += 500) await fairway.send(events.slice(i, i + 500));
  await allDone;
  const elapsed = performance.now() - started;
  await fairway.close();
  await remove();
  latencies.sort((a, b) => a - b);
  const steps = runs * STEPS;
  return {
    concurrency,
    runs,
    steps,
    seconds: elapsed / 1000,
    stepsPerSecond: steps / (elapsed / 1000),
    msPerStep: elapsed / steps,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

await scenario(1, 200); // warm-up (JIT, file system)
const storeName = POSTGRES
  ? "PostgreSQL (one worker, pool of 10, synchronous_commit as the server sets it)"
  : "SQLite (WAL, synchronous=NORMAL)";
console.log(`fairway durable steps, ${storeName}, ${STEPS} no-op steps per run, ${RUNS} runs`);
console.log("concurrency  steps/s    wall ms/step  step.run p50 ms  step.run p99 ms  (runs, seconds)");
for (const concurrency of [1, 256]) {
  const r = await scenario(concurrency, RUNS);
  console.log(
    `${String(r.concurrency).padEnd(11)}  ${r.stepsPerSecond.toFixed(0).padEnd(9)}  ${r.msPerStep.toFixed(4).padEnd(12)}  ` +
      `${r.p50.toFixed(4).padEnd(15)}  ${r.p99.toFixed(4).padEnd(15)}  (${r.runs}, ${r.seconds.toFixed(2)})`,
  );
}
