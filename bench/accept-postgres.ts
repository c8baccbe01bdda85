/**
 * The cost of commit-ordered event `seq` on PostgreSQL: `Store.acceptEvents` throughput with two stores
 * (two pools, as two worker processes have) racing on one schema, each keeping `IN_FLIGHT` calls in flight,
 * every call storing `SIZE` events and one run per event. Prints calls/s and events/s over both stores,
 * call latency p50/p99, and the CPU time this process used per call (both stores' client work; the server's
 * is not counted).
 *
 * Before/after in one invocation: `BASELINE=/path/to/other/checkout` also measures that checkout's
 * `src/store/postgres` (e.g. `main` before the change), alternating the two `ROUNDS` times, so machine
 * noise hits both alike; compare the ratio, not the absolute numbers.
 *
 * Run: `npx tsx bench/accept-postgres.ts` (about 20 s). `DURATION=<s>` per measurement (default 4),
 * `IN_FLIGHT` calls per store (default 16), `SIZES=1,100` events per call, `ROUNDS` (default 2),
 * `DATABASE_URL` (default the local test database); each measurement uses a fresh schema, dropped after.
 */
import { cpuUsage } from "node:process";
import pg from "pg";
import { PostgresStore as CurrentStore } from "../src/store/postgres/index.js";
import type { AcceptEventsInput, RunRecord, Store } from "../src/store/store.js";

const DURATION_MS = Number(process.env.DURATION ?? 4) * 1000;
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 16);
const SIZES = (process.env.SIZES ?? "1,100").split(",").map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

type StoreClass = new (options: { connectionString: string; schema: string }) => Store;

let counter = 0;
const id = (prefix: string) => `${prefix}${process.pid}_${(counter++).toString(36).padStart(9, "0")}`;

/** One call's input: `size` events, each starting one run of function `f`. */
function input(size: number, now: number): AcceptEventsInput {
  const events = Array.from({ length: size }, () => ({
    id: id("e"),
    name: "bench/go",
    data: { n: counter },
    ts: now,
    receivedAt: now,
  }));
  const runs = events.map((event, eventIndex) => {
    const run: RunRecord = {
      id: id("r"),
      functionId: "f",
      status: "queued",
      eventIds: [event.id],
      events: [{ name: event.name, data: event.data, id: event.id, ts: now }],
      attempt: 0,
      createdAt: now,
      readyAt: now,
      eventSeq: 0,
      backlogKey: "f\u0000",
    };
    return { run, eventIndex };
  });
  return { now, events, runs };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Two stores of `Store` on a fresh schema racing `acceptEvents` of `size` events for DURATION_MS. */
async function measure(label: string, Store: StoreClass, size: number) {
  const schema = `fw_bench_accept_${process.pid}_${counter++}`;
  const stores = [0, 1].map(() => new Store({ connectionString: DATABASE_URL, schema }));
  for (const store of stores) await store.init();
  const latencies: number[] = [];
  const cpuBefore = cpuUsage();
  const started = performance.now();
  const end = started + DURATION_MS;
  const loop = async (store: Store) => {
    while (performance.now() < end) {
      const at = performance.now();
      await store.acceptEvents(input(size, Date.now()));
      latencies.push(performance.now() - at);
    }
  };
  await Promise.all(stores.flatMap((store) => Array.from({ length: IN_FLIGHT }, () => loop(store))));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuUsage(cpuBefore);
  for (const store of stores) await store.close();
  await dropSchema(schema);
  latencies.sort((a, b) => a - b);
  const calls = latencies.length;
  return {
    store: label,
    events: size,
    "calls/s": Math.round(calls / elapsed),
    "events/s": Math.round((calls * size) / elapsed),
    "p50 ms": Number(percentile(latencies, 50).toFixed(1)),
    "p99 ms": Number(percentile(latencies, 99).toFixed(1)),
    "client CPU ms/call": Number(((cpu.user + cpu.system) / 1000 / calls).toFixed(3)),
  };
}

const variants: Array<[string, StoreClass]> = [["current", CurrentStore as unknown as StoreClass]];
if (process.env.BASELINE) {
  const module = await import(`${process.env.BASELINE}/src/store/postgres/index.ts`);
  variants.push(["baseline", module.PostgresStore as StoreClass]);
}
const rows = [];
for (const size of SIZES) {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, Store] of round % 2 === 0 ? variants : [...variants].reverse()) {
      rows.push(await measure(label, Store, size));
    }
  }
}
console.table(rows);
