/**
 * The event-loop block of one big send: `fairway.send` of 5,000 events (the most one send takes), each
 * starting a run, on the embedded SQLite store (a temp file, `synchronous` FULL by default) while a
 * timer measures how long the event loop stays blocked (`perf_hooks.monitorEventLoopDelay`, 1 ms
 * resolution, and the longest gap between `setImmediate` turns). Prints the send's duration and the
 * longest block; the target is ≤ 50 ms.
 *
 * Run: `npx tsx bench/big-send.ts`. `EVENTS=<n>` (≤ 5000), `SENDS=<n>` repeats, `SYNCHRONOUS=normal`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Fairway, SqliteStore, type SqliteSynchronous } from "../src/index.js";

const EVENTS = Number(process.env.EVENTS ?? 5000);
const SENDS = Number(process.env.SENDS ?? 5);
const SYNCHRONOUS = (process.env.SYNCHRONOUS ?? "full") as SqliteSynchronous;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Longest gap between consecutive `setImmediate` turns while `work` runs: wall-clock ms, and the process
 * CPU ms spent in the longest-CPU turn (on a shared, loaded machine the wall clock also counts the time the
 * OS ran other processes; the CPU time is what the process itself kept the loop busy).
 */
async function longestTurn<T>(
  work: () => Promise<T>,
): Promise<{ result: T; longestMs: number; longestCpuMs: number }> {
  let longestMs = 0;
  let longestCpuMs = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let running = true;
  const tick = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    longestMs = Math.max(longestMs, now - last);
    longestCpuMs = Math.max(longestCpuMs, (cpu.user + cpu.system) / 1000);
    last = now;
    lastCpu = process.cpuUsage();
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  running = false;
  tick();
  return { result, longestMs, longestCpuMs };
}

const dir = mkdtempSync(join(tmpdir(), "fairway-bench-big-send-"));
const store = new SqliteStore({ path: join(dir, "fairway.db"), synchronous: SYNCHRONOUS });
// maxConcurrentRuns 1 keeps the runs' own execution from overlapping the measurement much.
const fairway = new Fairway({ id: "bench", store, logger: silent, maxConcurrentRuns: 1 });
fairway.createFunction({ id: "noop" }, { event: "bench/big" }, async () => null);
await fairway.start();
console.log(
  `one send of ${EVENTS} events (one run each), SQLite (WAL, synchronous=${SYNCHRONOUS.toUpperCase()})`,
);
for (let round = 0; round < SENDS; round++) {
  const events = Array.from({ length: EVENTS }, (_, n) => ({ name: "bench/big", data: { n, round } }));
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  const { result, longestMs, longestCpuMs } = await longestTurn(() => fairway.send(events));
  const sendMs = performance.now() - started;
  // The histogram samples on a timer: give it one more sample after the send before reading it.
  await new Promise((resolve) => setTimeout(resolve, 5));
  histogram.disable();
  if (result.ids.length !== EVENTS) throw new Error(`stored ${result.ids.length} of ${EVENTS} events`);
  console.log(
    `send ${round + 1}: ${sendMs.toFixed(0)} ms; longest event-loop block ${longestMs.toFixed(1)} ms wall ` +
      `(monitorEventLoopDelay max ${(histogram.max / 1e6).toFixed(1)} ms), ${longestCpuMs.toFixed(1)} ms CPU`,
  );
}
await fairway.close();
rmSync(dir, { recursive: true, force: true });
