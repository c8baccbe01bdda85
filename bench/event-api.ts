/**
 * Event API throughput: autocannon against `POST /api/events` of a real server on 127.0.0.1, with an event
 * key, on the embedded SQLite store (a temp file, WAL, group commit), one function triggered by every event
 * (so runs are created and executed while the API accepts events). Prints events/s accepted, request
 * latency p50/p99 and the runs completed during the load, for single-event requests and for batches of
 * 100 events per request, with `synchronous` FULL (an fsync per COMMIT: an answered event survives a power
 * loss) and NORMAL (survives a process crash).
 *
 * Run: `npx tsx bench/event-api.ts` (about 45 s). `DURATION=<s>` and `CONNECTIONS=<n>` change the load,
 * `SYNCHRONOUS=full` runs one setting.
 */
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
const EVENT_KEY = "bench-event-key-0123456789";
const silent = { debug() {}, info() {}, warn() {}, error() {} };

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
  const result = await autocannon({
    url: `http://127.0.0.1:${address.port}/api/events`,
    method: "POST",
    headers: { authorization: `Bearer ${EVENT_KEY}`, "content-type": "application/json" },
    body,
    connections: CONNECTIONS,
    duration: DURATION,
  });
  const runsCompleted = completed;
  const commits = store.commitStats();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  const ok = result["2xx"];
  return {
    synchronous,
    runsCompleted,
    writesPerCommit: commits.writes / commits.transactions,
    batch,
    requests: result.requests.total,
    errors: result.errors + result.non2xx,
    eventsPerSecond: Math.round((ok * batch) / DURATION),
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

console.log(
  `event API: ${CONNECTIONS} connections, ${DURATION} s per scenario, SQLite store (WAL, group commit), ` +
    "1 function per event",
);
for (const synchronous of SETTINGS) {
  for (const batch of [1, 100]) {
    const r = await scenario(synchronous, batch);
    console.log(
      `synchronous=${r.synchronous.toUpperCase()} batch ${String(r.batch).padStart(3)}: ` +
        `${r.eventsPerSecond.toLocaleString("en")} events/s accepted (${r.requests} requests, ${r.errors} errors), ` +
        `request latency p50 ${r.p50} ms, p99 ${r.p99} ms; ${r.runsCompleted} runs completed meanwhile, ` +
        `${r.writesPerCommit.toFixed(1)} writes/commit`,
    );
  }
}
