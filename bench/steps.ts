/**
 * S2 (DESIGN.md §6): durable steps. A function of 10 no-op `step.run`s; runs executed with
 * `maxConcurrentRuns` 1 and 256. On the embedded SQLite store with `synchronous` FULL (an fsync per COMMIT: a
 * checkpoint survives a power loss) and NORMAL (survives a process crash); with `--postgres` on the
 * PostgreSQL store (one worker) instead. Prints durable steps/s (every step checkpointed before the next
 * starts), the wall-clock cost per step, the CPU time of the process per step (`process.cpuUsage`, user +
 * system, all threads, in µs: steadier than throughput on a shared machine), the latency of each `await step.run(...)` (p50/p99), which at
 * concurrency 1 is the per-step overhead of the engine, and on SQLite the writes per transaction that group
 * commit achieved.
 *
 * Run: `npx tsx bench/steps.ts` (about 20 s). `RUNS=5000` changes the runs per scenario (a tenth of them at
 * concurrency 1 on SQLite FULL and on PostgreSQL, which wait for a WAL flush per write); `CONCURRENCY=256`
 * runs one concurrency only. `--postgres` runs on the PostgreSQL store at `DATABASE_URL` (default the local
 * test database), in a fresh schema dropped afterwards; its writes/commit column is the batch size of the
 * store's group commit (checkpoints, claims and ends; each batch is one statement, one transaction).
 * `LIMIT=64` gives the function a concurrency limit of 64 (on PostgreSQL each claim then takes its slot in
 * its own transaction, under the scope's advisory lock). `THROTTLE=2000` gives it a throttle of 2000 starts per
 * second (on PostgreSQL each first start's claim then reads and advances the throttle's GCRA time in its own
 * transaction, under the throttle's advisory lock; a start refused there waits for the time it names).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Fairway, SqliteStore, type SqliteSynchronous } from "../src/index.js";
import { PostgresStore } from "../src/store/postgres/index.js";
import type { Store } from "../src/store/store.js";

const RUNS = Number(process.env.RUNS ?? 3000);
const STEPS = 10;
/** Runs in flight per scenario: 1 and 256, or the one `CONCURRENCY` names. */
const CONCURRENCIES = process.env.CONCURRENCY ? [Number(process.env.CONCURRENCY)] : [1, 256];
const POSTGRES = process.argv.includes("--postgres");
/** `LIMIT=<n>`: the function gets a function-wide concurrency limit of n (on PostgreSQL decided in each claim). */
const LIMIT = process.env.LIMIT ? Number(process.env.LIMIT) : undefined;
/** `THROTTLE=<n>`: the function gets a throttle of n starts per second (on PostgreSQL decided in each claim). */
const THROTTLE = process.env.THROTTLE ? Number(process.env.THROTTLE) : undefined;
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let schemas = 0;

/** The durability setting of one scenario: SQLite's `synchronous`, or the PostgreSQL server's own. */
type Setting = SqliteSynchronous | "server";

/** A fresh store for one scenario, its commit counters (SQLite only) and how to remove it afterwards. */
function openBenchStore(setting: Setting): {
  store: Store;
  commitStats?: () => { transactions: number; writes: number };
  remove: () => Promise<void>;
} {
  if (setting !== "server") {
    const dir = mkdtempSync(join(tmpdir(), "fairway-bench-steps-"));
    const store = new SqliteStore({ path: join(dir, "fairway.db"), synchronous: setting });
    return {
      store,
      commitStats: () => store.commitStats(),
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
  const store = new PostgresStore({ connectionString: DATABASE_URL, schema });
  return { store, commitStats: () => store.commitStats(), remove };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function scenario(setting: Setting, concurrency: number, runs: number) {
  const { store, commitStats, remove } = openBenchStore(setting);
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
  const config = {
    id: "ten-steps",
    ...(LIMIT === undefined ? {} : { concurrency: LIMIT }),
    ...(THROTTLE === undefined ? {} : { throttle: { limit: THROTTLE, period: "1s" } }),
  };
  fairway.createFunction(config, { event: "bench/go" }, async ({ step }) => {
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
  const commitsBefore = commitStats?.();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < events.length; i += 500) await fairway.send(events.slice(i, i + 500));
  await allDone;
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const commits = commitStats?.();
  await fairway.close();
  await remove();
  latencies.sort((a, b) => a - b);
  const steps = runs * STEPS;
  return {
    setting,
    concurrency,
    writesPerCommit:
      commits && commitsBefore
        ? (commits.writes - commitsBefore.writes) / (commits.transactions - commitsBefore.transactions)
        : Number.NaN,
    runs,
    steps,
    seconds: elapsed / 1000,
    stepsPerSecond: steps / (elapsed / 1000),
    msPerStep: elapsed / steps,
    cpuMicrosPerStep: (cpu.user + cpu.system) / steps,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const settings: Setting[] = POSTGRES ? ["server"] : ["full", "normal"];
await scenario(settings[settings.length - 1]!, 1, 200); // warm-up (JIT, file system)
/** The server's `synchronous_commit` (the store leaves it as set: `on` waits for the WAL flush per COMMIT). */
async function synchronousCommit(): Promise<string> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const { rows } = await client.query<{ synchronous_commit: string }>("SHOW synchronous_commit");
  await client.end();
  return rows[0]?.synchronous_commit ?? "unknown";
}

const storeName = POSTGRES
  ? `PostgreSQL (one worker, pool of 10, synchronous_commit=${await synchronousCommit()})`
  : "SQLite (WAL, group commit)";
const limited =
  (LIMIT === undefined ? "" : `, function concurrency limit ${LIMIT}`) +
  (THROTTLE === undefined ? "" : `, throttle ${THROTTLE} starts/s`);
console.log(`fairway durable steps, ${storeName}, ${STEPS} no-op steps per run, ${RUNS} runs${limited}`);
console.log(
  "synchronous  concurrency  steps/s    wall ms/step  cpu µs/step  step.run p50 ms  step.run p99 ms  writes/commit  (runs, seconds)",
);
for (const setting of settings) {
  for (const concurrency of CONCURRENCIES) {
    // One run at a time waits for a flush per write: a tenth of the runs says as much, ten times sooner.
    const runs =
      (setting === "full" || setting === "server") && concurrency === 1 ? Math.ceil(RUNS / 10) : RUNS;
    const r = await scenario(setting, concurrency, runs);
    console.log(
      `${r.setting.padEnd(11)}  ${String(r.concurrency).padEnd(11)}  ${r.stepsPerSecond.toFixed(0).padEnd(9)}  ` +
        `${r.msPerStep.toFixed(4).padEnd(12)}  ${r.cpuMicrosPerStep.toFixed(1).padEnd(11)}  ${r.p50.toFixed(4).padEnd(15)}  ${r.p99.toFixed(4).padEnd(15)}  ` +
        `${(Number.isNaN(r.writesPerCommit) ? "-" : r.writesPerCommit.toFixed(1)).padEnd(13)}  (${r.runs}, ${r.seconds.toFixed(2)})`,
    );
  }
}
