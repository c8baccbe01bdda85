/**
 * S2 (DESIGN.md §6): durable steps on the embedded SQLite store. A function of 10 no-op `step.run`s; runs
 * executed with `maxConcurrentRuns` 1 and 256, with `synchronous` FULL (an fsync per COMMIT: a checkpoint
 * survives a power loss) and NORMAL (survives a process crash). Prints durable steps/s (every step
 * checkpointed to the SQLite file before the next starts), the wall-clock cost per step, the latency of each
 * `await step.run(...)` (p50/p99), which at concurrency 1 is the per-step overhead of the engine, and the
 * writes per transaction that group commit achieved.
 *
 * Run: `npx tsx bench/steps.ts` (about 20 s). `RUNS=5000` changes the runs per scenario (a tenth of them for
 * FULL at concurrency 1, which waits for an fsync per step).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Fairway, SqliteStore, type SqliteSynchronous } from "../src/index.js";

const RUNS = Number(process.env.RUNS ?? 3000);
const STEPS = 10;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function scenario(synchronous: SqliteSynchronous, concurrency: number, runs: number) {
  const dir = mkdtempSync(join(tmpdir(), "fairway-bench-steps-"));
  const store = new SqliteStore({ path: join(dir, "fairway.db"), synchronous });
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
  const commitsBefore = store.commitStats();
  for (let i = 0; i < events.length; i += 500) await fairway.send(events.slice(i, i + 500));
  await allDone;
  const elapsed = performance.now() - started;
  const commits = store.commitStats();
  await fairway.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const steps = runs * STEPS;
  return {
    synchronous,
    concurrency,
    writesPerCommit:
      (commits.writes - commitsBefore.writes) / (commits.transactions - commitsBefore.transactions),
    runs,
    steps,
    seconds: elapsed / 1000,
    stepsPerSecond: steps / (elapsed / 1000),
    msPerStep: elapsed / steps,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

await scenario("normal", 1, 200); // warm-up (JIT, file system)
console.log(`fairway durable steps, SQLite (WAL, group commit), ${STEPS} no-op steps per run, ${RUNS} runs`);
console.log(
  "synchronous  concurrency  steps/s    wall ms/step  step.run p50 ms  step.run p99 ms  writes/commit  (runs, seconds)",
);
for (const synchronous of ["full", "normal"] as const) {
  for (const concurrency of [1, 256]) {
    // One run at a time waits for an fsync per step: a tenth of the runs says as much, ten times sooner.
    const runs = synchronous === "full" && concurrency === 1 ? Math.ceil(RUNS / 10) : RUNS;
    const r = await scenario(synchronous, concurrency, runs);
    console.log(
      `${r.synchronous.padEnd(11)}  ${String(r.concurrency).padEnd(11)}  ${r.stepsPerSecond.toFixed(0).padEnd(9)}  ` +
        `${r.msPerStep.toFixed(4).padEnd(12)}  ${r.p50.toFixed(4).padEnd(15)}  ${r.p99.toFixed(4).padEnd(15)}  ` +
        `${r.writesPerCommit.toFixed(1).padEnd(13)}  (${r.runs}, ${r.seconds.toFixed(2)})`,
    );
  }
}
