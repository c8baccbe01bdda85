/**
 * Event API throughput: autocannon against `POST /api/events` of a real server on 127.0.0.1, with an event
 * key, on the embedded SQLite store (a temp file, WAL, group commit), one function triggered by every event
 * (so runs are created and executed while the API accepts events). Prints events/s accepted, request
 * latency p50/p99, the runs completed during the load, and the CPU time the server process and the load
 * generator each used, for single-event requests and for batches of 100 events per request, with
 * `synchronous` FULL (an fsync per COMMIT: an answered event survives a power loss) and NORMAL (survives a
 * process crash).
 *
 * The load generator runs in a child process of its own (this file, forked with `load`), so it never shares
 * the server's event loop; on a 2-core machine the two processes still share the cores, which the CPU
 * columns show (CPU ms per second of load: 1,000 = one core busy the whole time).
 *
 * Run: `npx tsx bench/event-api.ts` (about 45 s). `DURATION=<s>` and `CONNECTIONS=<n>` change the load,
 * `SYNCHRONOUS=full` runs one setting, `BATCHES=1` one request shape, `RATE=<requests/s>` caps the load
 * (to compare the CPU per request of two versions at the same rate on a busy machine). Profile the server alone:
 * `node --cpu-prof --cpu-prof-dir=prof --import tsx bench/event-api.ts` (the child is started without
 * `--cpu-prof`).
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Fairway, SqliteStore, type SqliteSynchronous } from "../src/index.js";
import { createServer } from "../src/server/index.js";

const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const SETTINGS = (process.env.SYNCHRONOUS ?? "full,normal").split(",") as SqliteSynchronous[];
const BATCHES = (process.env.BATCHES ?? "1,100").split(",").map(Number);
/** Requests per second over all connections, to compare CPU per request at the same load. @default as fast as answered */
const RATE = process.env.RATE === undefined ? undefined : Number(process.env.RATE);
const EVENT_KEY = "bench-event-key-0123456789";
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** What the load generator is asked to do (sent to the child over IPC). */
interface LoadRequest {
  url: string;
  body: string;
}

/** What the load generator answers: autocannon's counts and its own CPU time (ms). */
interface LoadResult {
  ok: number;
  requests: number;
  /** Answers other than 2xx. */
  non2xx: number;
  /** Requests that got no answer (autocannon's 10 s timeout, a reset connection). */
  errors: number;
  p50: number;
  p99: number;
  cpuMs: number;
}

/** The child: runs autocannon once for the request it is sent, answers the result, exits. */
async function loadGenerator(): Promise<void> {
  const request = await new Promise<LoadRequest>((resolve) => process.once("message", resolve));
  const cpu = process.cpuUsage();
  const result = await autocannon({
    url: request.url,
    method: "POST",
    headers: { authorization: `Bearer ${EVENT_KEY}`, "content-type": "application/json" },
    body: request.body,
    connections: CONNECTIONS,
    duration: DURATION,
    ...(RATE === undefined ? {} : { overallRate: RATE }),
  });
  const used = process.cpuUsage(cpu);
  const answer: LoadResult = {
    ok: result["2xx"],
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMs: (used.user + used.system) / 1000,
  };
  process.send?.(answer, () => process.disconnect());
}

/** Runs the load generator in a child process (without this process's profiling flags). */
function runLoad(request: LoadRequest): Promise<LoadResult> {
  const child = fork(import.meta.filename, ["load"], {
    execArgv: process.execArgv.filter((flag) => !flag.startsWith("--cpu-prof")),
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message) => resolve(message as LoadResult));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`load generator exited with code ${code}`));
    });
    child.send(request);
  });
}

async function scenario(synchronous: SqliteSynchronous, batch: number) {
  const dir = mkdtempSync(join(tmpdir(), "fairway-bench-events-"));
  const store = new SqliteStore({ path: join(dir, "fairway.db"), synchronous });
  const fairway = new Fairway({ id: "bench", store, logger: silent });
  const fn = fairway.createFunction({ id: "noop" }, { event: "bench/event" }, async () => null);
  let completed = 0;
  fairway.onRunEvent((event) => {
    if (event.type === "run.completed") completed++;
  });
  const server = createServer({
    client: fairway,
    functions: [fn],
    auth: { eventKeys: [EVENT_KEY] },
    logger: silent,
  });
  const address = await new Promise<AddressInfo>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(server.address() as AddressInfo)),
  );
  const one = { name: "bench/event", data: { userId: "u1", n: 1 } };
  const body = JSON.stringify(batch === 1 ? one : Array.from({ length: batch }, () => one));
  const cpu = process.cpuUsage();
  const result = await runLoad({ url: `http://127.0.0.1:${address.port}/api/events`, body });
  const used = process.cpuUsage(cpu);
  const runsCompleted = completed;
  const commits = store.commitStats();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    synchronous,
    runsCompleted,
    writesPerCommit: commits.writes / commits.transactions,
    batch,
    requests: result.requests,
    non2xx: result.non2xx,
    errors: result.errors,
    eventsPerSecond: Math.round((result.ok * batch) / DURATION),
    p50: result.p50,
    p99: result.p99,
    serverCpu: Math.round((used.user + used.system) / 1000 / DURATION),
    loadCpu: Math.round(result.cpuMs / DURATION),
    cpuPerRequest: Math.round((used.user + used.system) / Math.max(1, result.requests)),
    systemPerRequest: Math.round(used.system / Math.max(1, result.requests)),
  };
}

if (process.argv[2] === "load") {
  await loadGenerator();
} else {
  console.log(
    `event API: ${CONNECTIONS} connections, ${DURATION} s per scenario, SQLite store (WAL, group commit), ` +
      "1 function per event, load generator in its own process",
  );
  for (const synchronous of SETTINGS) {
    for (const batch of BATCHES) {
      const r = await scenario(synchronous, batch);
      console.log(
        `synchronous=${r.synchronous.toUpperCase()} batch ${String(r.batch).padStart(3)}: ` +
          `${r.eventsPerSecond.toLocaleString("en")} events/s accepted (${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} unanswered), ` +
          `request latency p50 ${r.p50} ms, p99 ${r.p99} ms; ${r.runsCompleted} runs completed meanwhile, ` +
          `${r.writesPerCommit.toFixed(1)} writes/commit; CPU ms/s: server ${r.serverCpu}, load generator ${r.loadCpu}; ` +
          `server CPU per request ${r.cpuPerRequest} µs (${r.systemPerRequest} in the kernel)`,
      );
    }
  }
}
