/**
 * S3 (DESIGN.md §6): a large backlog on the SQLite store (or, with `--postgres`, the PostgreSQL store),
 * end to end through the engine.
 *
 * - A function `work` with a per-tenant concurrency key (limit 1) and a per-tenant throttle (1 per 7 days):
 *   each backlog tenant's first run starts, the rest stay queued. `--runs` runs (default 1M) over
 *   `runs / 100` tenants (at most 10k), sent in batches of 5000.
 * - Store bytes per queued run: (database + WAL file size) / queued runs.
 * - A fresh tenant's enqueue→start latency (send → handler entered), one at a time, at 0 and at full backlog.
 * - `runs / 10` runs (default 100k) parked in `step.waitForEvent` (match on `data.id`); resume-by-event
 *   latency (send → handler continues after the wait), one at a time, with the store's COMMITs and WAL
 *   fsyncs and the process's CPU time per resume (sequential fsyncs are what a resume waits for on disk).
 * - A new process opening the file: `start()` time (pending runs loaded and queued) and its RSS.
 *
 * Run: `npx tsx bench/backlog.ts` (a few minutes). `--runs 100000` scales down, `--samples 200` sets the
 * latency samples, `CPU_PROF=<dir>` profiles the re-opening process, `--keep` keeps the file (then
 * `--open <file>` re-opens it alone). The SQLite file lives in a temp dir,
 * deleted at the end. `--postgres`: the PostgreSQL store at `DATABASE_URL` (default the local test
 * database), in a fresh schema `fw_bench_backlog_<pid>` (dropped at the end unless `--keep`; `--open
 * <schema> --postgres` re-opens it); store bytes are the schema's tables and indexes
 * (`pg_total_relation_size`), after a VACUUM so dead row versions of the runs started meanwhile count too.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { Fairway, SqliteStore } from "../src/index.js";
import { PostgresStore } from "../src/store/postgres/index.js";
import type { WalCheckpointStats } from "../src/store/sqlite/wal-checkpointer.js";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "1000000" },
    samples: { type: "string", default: "200" },
    open: { type: "string" },
    keep: { type: "boolean", default: false },
    postgres: { type: "boolean", default: false },
  },
});
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const RUNS = Number(args.runs);
const SAMPLES = Number(args.samples);
const TENANTS = Math.max(1, Math.min(10_000, Math.floor(RUNS / 100)));
const PARKED = Math.floor(RUNS / 10);
const BATCH = 5000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Handler hooks: who waits for a start or a resume, keyed by tenant / wait id. */
const onStart = new Map<string, () => void>();
const onResume = new Map<string, () => void>();

function define(fairway: Fairway): void {
  fairway.createFunction(
    {
      id: "work",
      concurrency: [{ limit: 1, key: "event.data.tenant" }],
      throttle: { limit: 1, period: "7d", key: "event.data.tenant" },
    },
    { event: "work/requested" },
    async ({ event }) => {
      onStart.get(String(event.data.tenant))?.();
    },
  );
  fairway.createFunction({ id: "park" }, { event: "park/start" }, async ({ event, step }) => {
    await step.waitForEvent("resume", { event: "park/resume", match: "data.id", timeout: "1d" });
    onResume.get(String(event.data.id))?.();
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(3)} ms  p99 ${percentile(sorted, 99).toFixed(3)} ms  max ${(sorted.at(-1) ?? Number.NaN).toFixed(3)} ms  (n=${sorted.length})`;
}

/** Sends one event and resolves with the ms until the hook for `key` fires. */
async function timed(fairway: Fairway, hooks: Map<string, () => void>, key: string, event: object) {
  const done = new Promise<number>((resolve) => hooks.set(key, () => resolve(performance.now())));
  const sentAt = performance.now();
  await fairway.send(event as never);
  const at = await done;
  hooks.delete(key);
  return at - sentAt;
}

let freshCount = 0;
async function freshTenantLatencies(fairway: Fairway, samples: number, prefix = "fresh"): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const tenant = `${prefix}-${freshCount++}`;
    out.push(await timed(fairway, onStart, tenant, { name: "work/requested", data: { tenant } }));
  }
  return out;
}

const fileBytes = (db: string) =>
  [db, `${db}-wal`].reduce((sum, f) => sum + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);

/** Where the bench keeps its state: a SQLite file, or a PostgreSQL schema (`--postgres`). */
interface Location {
  /** What `--open` takes to re-open it: the file path or the schema name. */
  name: string;
  describe: string;
  /** A store on it; `commitStats().fsyncs` only on SQLite (PostgreSQL flushes its WAL itself). */
  store(): SqliteStore | PostgresStore;
  count(table: "queued runs" | "waits"): Promise<number>;
  bytes(): Promise<number>;
  remove(): Promise<void>;
}

const COUNTS = {
  "queued runs": "SELECT count(*) AS n FROM runs WHERE status = 'queued'",
  waits: "SELECT count(*) AS n FROM waits",
};

function sqliteLocation(file: string): Location {
  let reader: Database.Database | undefined;
  const read = () => {
    reader ??= new Database(file, { readonly: true, fileMustExist: true });
    return reader;
  };
  return {
    name: file,
    describe: `SQLite (WAL) in ${file}`,
    store: () => new SqliteStore({ path: file }),
    count: async (what) => (read().prepare(COUNTS[what]).get() as { n: number }).n,
    bytes: async () => fileBytes(file),
    remove: async () => {
      reader?.close();
      rmSync(join(file, ".."), { recursive: true, force: true });
    },
  };
}

function postgresLocation(schema: string): Location {
  const query = async (text: string): Promise<Array<Record<string, unknown>>> => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${schema}`);
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    name: schema,
    describe: `PostgreSQL schema ${schema}`,
    store: () => new PostgresStore({ connectionString: DATABASE_URL, schema }),
    count: async (what) => Number((await query(COUNTS[what]))[0]?.n),
    bytes: async () => {
      await query("VACUUM runs");
      const [row] = await query(
        `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${schema}' AND c.relkind = 'r'`,
      );
      return Number(row?.bytes);
    },
    remove: () => query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => {}),
  };
}

function location(name?: string): Location {
  if (args.postgres) return postgresLocation(name ?? `fw_bench_backlog_${process.pid}`);
  return sqliteLocation(name ?? join(mkdtempSync(join(tmpdir(), "fairway-bench-backlog-")), "fairway.db"));
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Child mode: open an existing file (or schema), time `start()`, print one JSON line. */
async function openOnly(name: string): Promise<void> {
  const before = process.memoryUsage().rss;
  const fairway = new Fairway({ id: "bench", store: location(name).store(), logger: silent });
  define(fairway);
  const t0 = performance.now();
  await fairway.start();
  const startMs = performance.now() - t0;
  const rss = process.memoryUsage().rss;
  console.error(`child: start() ${startMs.toFixed(0)} ms, RSS ${mb(rss)}`);
  // Tenants new to this file (a file may be re-opened more than once: --keep, --open).
  const fresh = await freshTenantLatencies(fairway, 20, `reopened-${process.pid}-${Date.now()}`);
  await fairway.close();
  console.log(JSON.stringify({ startMs, rss, before, heap: process.memoryUsage().heapUsed, fresh }));
}

async function main(): Promise<void> {
  const where = location();
  const store = where.store();
  const fairway = new Fairway({ id: "bench", store, logger: silent });
  define(fairway);
  await fairway.start();
  console.log(`S3 backlog, ${where.describe}: ${RUNS} runs over ${TENANTS} tenants, ${PARKED} parked`);

  await freshTenantLatencies(fairway, 50); // warm-up
  const at0 = await freshTenantLatencies(fairway, SAMPLES);
  console.log(`fresh tenant enqueue→start at 0 queued:        ${summary(at0)}`);

  let t0 = performance.now();
  const perTenant = Math.ceil(RUNS / TENANTS);
  for (let offset = 0; offset < RUNS; offset += BATCH) {
    const events = [];
    for (let i = offset; i < Math.min(RUNS, offset + BATCH); i++) {
      events.push({ name: "work/requested", data: { tenant: `t${Math.floor(i / perTenant)}`, n: i } });
    }
    await fairway.send(events);
  }
  const enqueueS = (performance.now() - t0) / 1000;
  const queued = await where.count("queued runs");
  const bytes = await where.bytes();
  console.log(
    `enqueue: ${RUNS} runs in ${enqueueS.toFixed(1)} s (${(RUNS / enqueueS).toFixed(0)} runs/s); ${queued} queued; ` +
      `store ${mb(bytes)} = ${(bytes / queued).toFixed(0)} B per queued run; RSS ${mb(process.memoryUsage().rss)}`,
  );

  await freshTenantLatencies(fairway, 20);
  const atFull = await freshTenantLatencies(fairway, SAMPLES);
  console.log(`fresh tenant enqueue→start at ${queued} queued:  ${summary(atFull)}`);
  console.log(
    `  ratio p50 ${(
      percentile(
        atFull.sort((a, b) => a - b),
        50,
      ) /
        percentile(
          at0.sort((a, b) => a - b),
          50,
        )
    ).toFixed(2)}×, ` + `p99 ${(percentile(atFull, 99) / percentile(at0, 99)).toFixed(2)}×`,
  );

  t0 = performance.now();
  for (let offset = 0; offset < PARKED; offset += BATCH) {
    const events = [];
    for (let i = offset; i < Math.min(PARKED, offset + BATCH); i++)
      events.push({ name: "park/start", data: { id: `w${i}` } });
    await fairway.send(events);
  }
  while ((await where.count("waits")) < PARKED) await new Promise((r) => setTimeout(r, 200));
  console.log(
    `parked: ${PARKED} runs in waitForEvent in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
      `store ${mb(await where.bytes())}; RSS ${mb(process.memoryUsage().rss)}`,
  );
  const resumeSamples = Math.min(SAMPLES, PARKED);
  const resumes: number[] = [];
  /** Commits so far and, on SQLite, fsyncs (PostgreSQL flushes its WAL itself: not counted here). */
  const commitStats = (): { transactions: number; fsyncs?: number; checkpoints?: WalCheckpointStats } =>
    store.commitStats();
  const commitsBefore = commitStats();
  const cpuBefore = process.cpuUsage();
  const gcs: Array<{ start: number; end: number }> = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      gcs.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  const windows: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < resumeSamples; i++) {
    const id = `w${Math.floor((i * PARKED) / resumeSamples)}`;
    const latency = await timed(fairway, onResume, id, { name: "park/resume", data: { id } });
    resumes.push(latency);
    const end = performance.now();
    windows.push({ start: end - latency, end });
  }
  const cpu = process.cpuUsage(cpuBefore);
  await new Promise((resolve) => setImmediate(resolve)); // the last GC entries are delivered
  gcObserver.disconnect();
  const commits = commitStats();
  const perResume = (n: number) => (n / resumeSamples).toFixed(2);
  console.log(`resume by event with ~${PARKED} parked:          ${summary(resumes)}`);
  console.log(
    `  per resume (each run to its end): ${perResume(commits.transactions - commitsBefore.transactions)} ${args.postgres ? "group-commit statements" : "COMMITs"}, ` +
      (commits.fsyncs !== undefined
        ? `${perResume(commits.fsyncs - (commitsBefore.fsyncs ?? 0))} fsyncs, `
        : "") +
      `CPU ${((cpu.user + cpu.system) / 1000 / resumeSamples).toFixed(3)} ms` +
      (commits.checkpoints ? " (the checkpoint thread's included)" : ""),
  );
  const { checkpoints: after } = commits;
  const { checkpoints: before } = commitsBefore;
  if (after && before) {
    const checkpoints = (key: keyof WalCheckpointStats) => after[key] - before[key];
    console.log(
      `  WAL checkpoints during the resumes (worker thread): ${checkpoints("checkpoints")} ` +
        `(${checkpoints("partial")} partial, ${checkpoints("failures")} failed; ` +
        `${checkpoints("catchUps")} on the event loop after the WAL outgrew 64 MiB)`,
    );
  }
  // Where the slowest resumes went: the GC pauses inside each one's window (send → handler continues).
  const gcIn = ({ start, end }: { start: number; end: number }) =>
    gcs.reduce((sum, gc) => sum + Math.max(0, Math.min(end, gc.end) - Math.max(start, gc.start)), 0);
  const slowest = windows
    .map((window, index) => ({ ms: resumes[index] ?? 0, gc: gcIn(window) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  console.log(
    `  GC during the resumes: ${gcs.length} pauses, ${gcs.reduce((sum, gc) => sum + gc.end - gc.start, 0).toFixed(1)} ms; ` +
      `slowest resumes (ms, of which GC): ${slowest.map(({ ms, gc }) => `${ms.toFixed(1)} (${gc.toFixed(1)})`).join(", ")}`,
  );
  await fairway.close();

  // CPU_PROF=dir writes a V8 CPU profile of the re-opening process (where start() spends its time).
  const profile = process.env.CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.CPU_PROF}`] : [];
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      ...profile,
      fileURLToPath(import.meta.url),
      "--open",
      where.name,
      ...(args.postgres ? ["--postgres"] : []),
    ],
    { encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "inherit"] },
  );
  const line = child.stdout.trim().split("\n").at(-1) ?? "";
  if (child.status !== 0 || !line.startsWith("{"))
    throw new Error(`open child failed (${child.status}): ${child.stdout}`);
  const opened = JSON.parse(line) as {
    startMs: number;
    rss: number;
    before: number;
    heap: number;
    fresh: number[];
  };
  console.log(
    `new process opening the ${args.postgres ? "schema" : "file"}: start() ${(opened.startMs / 1000).toFixed(2)} s; RSS ${mb(opened.rss)} ` +
      `(${mb(opened.before)} before), heap ${mb(opened.heap)}; fresh tenant after start: ${summary(opened.fresh)}`,
  );
  const reopen = `npx tsx bench/backlog.ts --open ${where.name}${args.postgres ? " --postgres" : ""}`;
  if (args.keep) console.log(`kept ${where.name} (re-open it: ${reopen})`);
  else await where.remove();
}

if (args.open) await openOnly(args.open);
else await main();
