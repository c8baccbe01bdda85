/**
 * Side-by-side S1 and S2 (see scenarios.ts): Fairway (SQLite FULL, PostgreSQL) against DBOS Transact,
 * BullMQ and pg-boss, every scenario of every peer in a fresh child process, one after the other.
 * Prints one table with each peer's numbers and their ratio to Fairway's, and writes the results as JSON
 * (`results/latest.json`; with `--smoke`, `results/smoke.json`).
 *
 * Run: `npm run bench --prefix bench/peers` (about 10 minutes on a loaded machine); `-- --smoke` runs a tiny
 * size that only shows every peer starts and finishes (CI, 1–3 minutes); `-- --only dbos,bullmq` runs
 * some peers only; `-- --light-during-flood` starts S1's light tenants with the flood's first batch
 * (`results/latest-light-during-flood.json`).
 * Needs PostgreSQL at PEERS_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432; databases
 * fw_peers_* are created when missing) and Redis at PEERS_REDIS_URL (default redis://127.0.0.1:6379).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isPeerId, PEERS, type PeerId } from "./peers/index.js";
import { runChild } from "./run-child.js";
import { CAPACITY, HANDLER_MS, type S1Result, type S2Result, SIZES, STEPS } from "./scenarios.js";
import { formatTable, type PeerResults } from "./table.js";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    smoke: { type: "boolean" },
    only: { type: "string" },
    "light-during-flood": { type: "boolean" },
  },
});
const lightDuringFlood = values["light-during-flood"] === true;
const size = values.smoke ? "smoke" : "full";
const only = values.only?.split(",") ?? Object.keys(PEERS);
for (const id of only) {
  if (!isPeerId(id)) throw new Error(`--only: "${id}" is not one of ${Object.keys(PEERS).join(", ")}`);
}
const peerIds = only as PeerId[];
const inFlights = Object.keys(SIZES[size].s2Runs).map(Number);

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: here }).toString().trim();
  } catch {
    return "unknown";
  }
}

const startedAt = new Date().toISOString();
const loadBefore = loadavg();
const results: Record<string, PeerResults> = Object.fromEntries(
  peerIds.map((id) => [id, { name: PEERS[id].name, store: PEERS[id].store, s2: {}, errors: [] }]),
);
let failures = 0;
/** Runs every scenario of one peer, one child process after the other. */
async function runPeer(id: PeerId): Promise<void> {
  const entry = results[id]!;
  const attempt = async <T>(label: string, args: string[], keep: (value: T) => void) => {
    try {
      keep((await runChild(args)) as T);
      process.stderr.write(`${id} ${label}: done\n`);
    } catch (error) {
      failures++;
      entry.errors.push(`${label}: ${(error as Error).message}`);
      process.stderr.write(`${id} ${label}: FAILED\n${(error as Error).message}\n`);
    }
  };
  const s1Args = [id, "s1", size, ...(lightDuringFlood ? ["--light-during-flood"] : [])];
  await attempt<S1Result>("S1", s1Args, (value) => {
    entry.s1 = value;
  });
  for (const inFlight of inFlights) {
    await attempt<S2Result>(`S2 ${inFlight} in flight`, [id, "s2", size, String(inFlight)], (value) => {
      entry.s2[inFlight] = value;
    });
  }
}

// One peer at a time, so no peer's numbers pay for another's CPU (running them at once did not shorten the
// smoke size on this 2-core machine either).
for (const id of peerIds) await runPeer(id);

const sizes = SIZES[size];
const report = {
  size,
  startedAt,
  commit: gitCommit(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageBefore: loadBefore.map((l) => Number(l.toFixed(2))),
    loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2))),
  },
  scenarios: {
    s1: { ...sizes, handlerMs: HANDLER_MS, capacity: CAPACITY, lightDuringFlood },
    s2: { steps: STEPS, runs: sizes.s2Runs },
  },
  results,
};
console.log(
  `S1: ${sizes.heavyRuns} heavy runs at once + ${sizes.lightTenants} light tenants sending ` +
    `${sizes.lightRunsPerTenant} runs each (one per ${sizes.lightEveryMs} ms ` +
    `${lightDuringFlood ? "from the flood's first batch" : "once the flood is in"}), ` +
    `handler ${HANDLER_MS} ms, capacity ${CAPACITY}. ` +
    `S2: ${STEPS} no-op checkpointed steps per run. Load average ${report.machine.loadAverageBefore.join(" ")} ` +
    `before, ${report.machine.loadAverageAfter.join(" ")} after; ${report.machine.cpus} CPUs; size ${size}.`,
);
console.log(formatTable(results, inFlights));
const file = size === "smoke" ? "smoke" : lightDuringFlood ? "latest-light-during-flood" : "latest";
const out = join(here, "results", `${file}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(`written: ${out}`);
if (failures > 0) {
  console.error(`${failures} scenario(s) failed (above)`);
  process.exitCode = 1;
}
