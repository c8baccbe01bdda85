/**
 * Event API throughput: autocannon against `POST /api/events` of a real server on 127.0.0.1, with an event
 * key, on the embedded SQLite store (a temp file), one function triggered by every event (so runs are
 * created and executed while the API accepts events). Prints events/s accepted and request latency
 * p50/p99 for single-event requests and for batches of 100 events per request.
 *
 * Run: `npx tsx bench/event-api.ts` (about 25 s). `DURATION=<s>` and `CONNECTIONS=<n>` change the load.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Fairway } from "../src/index.js";
import { createServer } from "../src/server/index.js";

const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const EVENT_KEY = "bench-event-key-0123456789";
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function scenario(batch: number) {
  const dir = mkdtempSync(join(tmpdir(), "fairway-bench-events-"));
  const fairway = new Fairway({ id: "bench", store: join(dir, "fairway.db"), logger: silent });
  const fn = fairway.createFunction({ id: "noop" }, { event: "bench/event" }, async () => null);
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
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  const ok = result["2xx"];
  return {
    batch,
    requests: result.requests.total,
    errors: result.errors + result.non2xx,
    eventsPerSecond: Math.round((ok * batch) / DURATION),
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

console.log(
  `event API: ${CONNECTIONS} connections, ${DURATION} s per scenario, SQLite store, 1 function per event`,
);
for (const batch of [1, 100]) {
  const r = await scenario(batch);
  console.log(
    `batch ${String(r.batch).padStart(3)}: ${r.eventsPerSecond.toLocaleString("en")} events/s accepted ` +
      `(${r.requests} requests, ${r.errors} errors), request latency p50 ${r.p50} ms, p99 ${r.p99} ms`,
  );
}
