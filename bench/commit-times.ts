/**
 * Where the slow COMMITs of the SQLite store come from (issue 11, resume-by-event p99): the wall time of each
 * COMMIT in a loop of small write transactions (3 random row updates, ~6.5 WAL pages) on a file of `rows`
 * rows, with
 * - `auto`: SQLite's automatic checkpoint (`wal_autocheckpoint = 1000`, its default), which runs inside the
 *   COMMIT that crosses 1,000 WAL pages, on the committing thread;
 * - `worker`: automatic checkpoints off, `WalCheckpointer` + `workerCheckpointRunner` (what `SqliteStore`
 *   does) checkpointing on a worker thread every 64 COMMITs;
 * - `none`: no checkpoint at all (the WAL grows; the floor).
 * Each mode runs twice, interleaved, in one process; one event-loop turn between COMMITs (as in a server).
 * Prints p50/p99/p99.9/max per run, the COMMITs over 5 ms against the checkpoints SQLite would have run
 * (WAL frames written / 1000), and the `auto`/`worker` ratio of p99.9 and max.
 *
 * Run: `npx tsx bench/commit-times.ts [--rows 1000000] [--commits 20000]`. The file lives in a temp dir.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { workerCheckpointRunner } from "../src/store/sqlite/checkpoint-worker.js";
import { WalCheckpointer } from "../src/store/sqlite/wal-checkpointer.js";

const { values: args } = parseArgs({
  options: { rows: { type: "string", default: "1000000" }, commits: { type: "string", default: "20000" } },
});
const ROWS = Number(args.rows);
const COMMITS = Number(args.commits);
type Mode = "auto" | "worker" | "none";

const dir = mkdtempSync(join(tmpdir(), "fairway-bench-commit-"));
const file = join(dir, "bench.db");
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec("CREATE TABLE runs (id INTEGER PRIMARY KEY, tenant TEXT, status TEXT, data TEXT)");
db.exec("CREATE INDEX runs_tenant ON runs (tenant, status)");
const insert = db.prepare("INSERT INTO runs (tenant, status, data) VALUES (?, 'queued', ?)");
const fill = db.transaction((from: number, to: number) => {
  for (let i = from; i < to; i++) insert.run(`t${i % 10_000}`, JSON.stringify({ i, pad: "x".repeat(100) }));
});
for (let i = 0; i < ROWS; i += 50_000) fill(i, Math.min(ROWS, i + 50_000));
const update = db.prepare("UPDATE runs SET status = ?, data = ? WHERE id = ?");
const begin = db.prepare("BEGIN IMMEDIATE");
const commit = db.prepare("COMMIT");
const walFile = `${file}-wal`;
const pageBytes = Number(db.pragma("page_size", { simple: true })) + 24;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

async function run(mode: Mode): Promise<{ p999: number; max: number }> {
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.pragma(`wal_autocheckpoint = ${mode === "auto" ? 1000 : 0}`);
  const checkpointer =
    mode === "worker"
      ? new WalCheckpointer(workerCheckpointRunner(file), {
          commitsPerCheckpoint: 64,
          walBytes: () => statSync(walFile, { throwIfNoEntry: false })?.size ?? 0,
          growthBytes: 4 * 2 ** 20,
          capBytes: 16 * 2 ** 20,
          catchUp: () => db.pragma("wal_checkpoint(PASSIVE)"),
          onError: (error) => console.error(error),
        })
      : undefined;
  const times: number[] = [];
  for (let k = 0; k < COMMITS; k++) {
    begin.run();
    for (let j = 0; j < 3; j++)
      update.run(
        k % 2 ? "running" : "queued",
        JSON.stringify({ k, j }),
        1 + Math.floor(Math.random() * ROWS),
      );
    const t0 = performance.now();
    commit.run();
    times.push(performance.now() - t0);
    checkpointer?.committed();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await checkpointer?.close();
  const sorted = [...times].sort((a, b) => a - b);
  const slow = times.filter((ms) => ms > 5).length;
  const stats = checkpointer ? `, ${checkpointer.stats().checkpoints} worker checkpoints` : "";
  const frames =
    mode === "none" ? `, ${((statSync(walFile).size - 32) / pageBytes).toFixed(0)} WAL frames` : "";
  console.log(
    `${mode.padEnd(6)} p50 ${percentile(sorted, 0.5).toFixed(3)}  p99 ${percentile(sorted, 0.99).toFixed(3)}  ` +
      `p99.9 ${percentile(sorted, 0.999).toFixed(3)}  max ${(sorted.at(-1) ?? 0).toFixed(3)} ms; ` +
      `COMMITs > 5 ms: ${slow}${frames}${stats}`,
  );
  return { p999: percentile(sorted, 0.999), max: sorted.at(-1) ?? 0 };
}

console.log(`${COMMITS} COMMITs of 3 row updates each on ${ROWS} rows (SQLite WAL, synchronous NORMAL)`);
const results: Record<Mode, Array<{ p999: number; max: number }>> = { auto: [], worker: [], none: [] };
for (const mode of ["auto", "worker", "none", "auto", "worker", "none"] as const)
  results[mode].push(await run(mode));
const mean = (mode: Mode, key: "p999" | "max") => results[mode].reduce((sum, r) => sum + r[key], 0) / 2;
console.log(
  `auto / worker: p99.9 ${(mean("auto", "p999") / mean("worker", "p999")).toFixed(1)}×, ` +
    `max ${(mean("auto", "max") / mean("worker", "max")).toFixed(1)}×`,
);
db.close();
rmSync(dir, { recursive: true, force: true });
