/**
 * Per-step overhead of a function written with the Inngest SDK and run by Fairway over the wire, against the
 * same function as a native Fairway function. Both: 10 no-op `step.run`s per run, SQLite store (WAL,
 * synchronous=NORMAL) in a temp dir, one process. The SDK app (`inngest` 4.24.0, `inngest/node`'s `serve`)
 * listens on 127.0.0.1 in this process too, so the difference is Fairway's call-out protocol (one HTTP
 * request per step: the SDK replays the handler with the memoized steps and runs the next step inline;
 * two checkpoints per step: the request and the step) plus the SDK's own replay, not network distance.
 *
 * It also prints the time spent inside the SDK's own request handler per step, and a bare loopback HTTP
 * round trip, to tell Fairway's share from the SDK's and the machine's.
 *
 * Run: `npx tsx bench/inngest-steps.ts` (about 30 s). `RUNS=500` changes the runs per scenario;
 * `CONCURRENCY=1,16` the runs in flight.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Fairway } from "../src/index.js";
import { createServer } from "../src/server/index.js";

// The root's SDK (4.x), also when `npm ci --prefix bench` installed the peers' inngest 3.x next to this file.
const rootRequire = createRequire(join(import.meta.dirname, "../package.json"));
const { Inngest } = (await import(
  pathToFileURL(rootRequire.resolve("inngest")).href
)) as typeof import("inngest");
const { serve } = (await import(
  pathToFileURL(rootRequire.resolve("inngest/node")).href
)) as typeof import("inngest/node");

const RUNS = Number(process.env.RUNS ?? 200);
const CONCURRENCY = (process.env.CONCURRENCY ?? "1,16").split(",").map(Number);
const STEPS = 10;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const sdkLogger = { info() {}, warn() {}, error() {}, debug() {} };

interface Result {
  msPerStep: number;
  stepsPerSecond: number;
  seconds: number;
  /** Time spent inside the SDK's request handler per step (sum over requests; overlaps at concurrency > 1). */
  appMsPerStep?: number;
}

async function runAll(fairway: Fairway, functionId: string, runs: number): Promise<number> {
  let done = 0;
  const allDone = new Promise<void>((resolve) => {
    fairway.onRunEvent((event) => {
      if (event.functionId === functionId && event.type === "run.completed" && ++done === runs) resolve();
      if (event.type === "run.failed") throw new Error(`a run failed: ${event.error?.message}`);
    });
  });
  const started = performance.now();
  await fairway.send(Array.from({ length: runs }, (_, n) => ({ name: "bench/go", data: { n } })));
  await allDone;
  return performance.now() - started;
}

function result(elapsed: number, runs: number): Result {
  const steps = runs * STEPS;
  return { msPerStep: elapsed / steps, stepsPerSecond: steps / (elapsed / 1000), seconds: elapsed / 1000 };
}

/** A Fairway client on a fresh SQLite file; `dispose` deletes the file's directory. */
function openFairway(concurrency: number): { fairway: Fairway; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "fairway-bench-sdk-"));
  const fairway = new Fairway({
    id: "bench",
    store: join(dir, "f.db"),
    logger: silent,
    maxConcurrentRuns: concurrency,
  });
  return { fairway, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

async function native(concurrency: number, runs: number): Promise<Result> {
  const { fairway, dispose } = openFairway(concurrency);
  fairway.createFunction({ id: "ten-steps", triggers: [{ event: "bench/go" }] }, async ({ step }) => {
    for (let i = 0; i < STEPS; i++) await step.run(`s${i}`, () => i);
    return STEPS;
  });
  await fairway.start();
  const elapsed = await runAll(fairway, "ten-steps", runs);
  await fairway.close();
  dispose();
  return result(elapsed, runs);
}

async function overTheWire(concurrency: number, runs: number): Promise<Result> {
  const { fairway, dispose } = openFairway(concurrency);
  const server = createServer({ client: fairway, auth: { open: true }, logger: silent, dashboard: false });
  const origin = await new Promise<string>((resolve) => {
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
  process.env.INNGEST_DEV = origin;
  const inngest = new Inngest({ id: "bench", logger: sdkLogger });
  const fn = inngest.createFunction(
    { id: "ten-steps", triggers: [{ event: "bench/go" }] },
    async ({ step }) => {
      for (let i = 0; i < STEPS; i++) await step.run(`s${i}`, () => i);
      return STEPS;
    },
  );
  const handler = serve({ client: inngest, functions: [fn] });
  let inApp = 0;
  const app = createHttpServer((req, res) => {
    const started = performance.now();
    res.once("finish", () => {
      inApp += performance.now() - started;
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
  const sync = await fetch(url, { method: "PUT" });
  if (!sync.ok) throw new Error(`sync failed: ${await sync.text()}`);
  inApp = 0;
  const elapsed = await runAll(fairway, "bench-ten-steps", runs);
  const appMsPerStep = inApp / (runs * STEPS);
  await server.close();
  await new Promise<void>((resolve) => {
    app.closeAllConnections();
    app.close(() => resolve());
  });
  dispose();
  return { ...result(elapsed, runs), appMsPerStep };
}

/** ms per request of a bare loopback HTTP round trip (an empty JSON POST), for scale on a busy machine. */
async function loopbackMs(requests: number): Promise<number> {
  const http = createHttpServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("{}"));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  const started = performance.now();
  for (let i = 0; i < requests; i++) await (await fetch(url, { method: "POST", body: "{}" })).text();
  const elapsed = performance.now() - started;
  await new Promise<void>((resolve) => {
    http.closeAllConnections();
    http.close(() => resolve());
  });
  return elapsed / requests;
}

await native(1, 30);
await overTheWire(1, 30); // warm-up (JIT, sockets)
console.log(
  `${STEPS} no-op step.run per run, ${RUNS} runs per row; SQLite (WAL, synchronous=NORMAL); SDK app on 127.0.0.1`,
);
await loopbackMs(50);
console.log(`bare loopback HTTP round trip: ${(await loopbackMs(300)).toFixed(3)} ms`);
console.log("function                 concurrency  ms/step  steps/s  (seconds)");
for (const concurrency of CONCURRENCY) {
  const a = await native(concurrency, RUNS);
  const b = await overTheWire(concurrency, RUNS);
  const row = (name: string, r: Result) =>
    `${name.padEnd(24)} ${String(concurrency).padEnd(11)}  ${r.msPerStep.toFixed(3).padEnd(7)}  ${r.stepsPerSecond.toFixed(0).padEnd(7)}  (${r.seconds.toFixed(2)})`;
  console.log(row("native Fairway", a));
  console.log(row("Inngest SDK over HTTP", b));
  console.log(
    `${"overhead per step".padEnd(24)} ${String(concurrency).padEnd(11)}  +${(b.msPerStep - a.msPerStep).toFixed(3)} ms (×${(b.msPerStep / a.msPerStep).toFixed(1)}); inside the SDK's handler: ${(b.appMsPerStep ?? 0).toFixed(3)} ms per step`,
  );
}
