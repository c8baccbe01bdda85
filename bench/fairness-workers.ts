/**
 * S1 with several Fairway worker processes on one PostgreSQL schema (issue 12's S6 target: light p99 ≤ 25 ms
 * at ≥ 1.5× the heavy throughput of DBOS's partitioned queue with 1 ms polling), next to DBOS in the same
 * invocation. `npx tsx bench/fairness.ts --postgres --workers 4` runs it.
 *
 * The scenario is bench/peers' S1 at its full size (`SIZES.full` of `peers/scenarios.ts`, the parameters
 * the DBOS row runs with): the heavy tenant enqueues 5,000 runs in batches of 500; once they are in, 20
 * light tenants send 10 runs each, one every 250 ms; handler 20 ms; concurrency 32 for the function and 32
 * per tenant, which the workers share (the claim decides them in the database). The parent forks `workers`
 * processes (`fairness-worker.ts`) on a fresh schema and hands every send to the next worker in turn, as a
 * load balancer would: each flood batch and each light run. A light run's enqueue→start latency runs from
 * the parent's send (its IPC hop to the worker included) to its handler's start in whichever worker
 * claimed it. Printed per round: light p50/p99/max, heavy runs/s (5,000 runs over the time from the first
 * heavy start to the last heavy end, as bench/peers counts it), Jain's index per 1 s window while the light
 * tenants send, the heavy starts per worker, the load average before and after, and from the store's
 * `runs` rows where the time went: accepted → claimed and claimed → ended (`phasesOf`).
 *
 * DBOS: each round then runs bench/peers' `child.ts dbos s1 full` (one DBOS process, partitioned queue,
 * `workerConcurrency` and `partitionConcurrency` 32, `minPollingIntervalMs` 1), when bench/peers is
 * installed (`npm ci --prefix bench/peers`), and prints Fairway's heavy throughput and light p99 as ratios
 * to DBOS's of the same round. `ROUNDS` (default 2) alternates Fairway and DBOS so machine noise hits both.
 * `BASELINE=<checkout>` adds that checkout's workers to each round (before/after; `runWorkers`).
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { epochMs, type FromWorker, type ToWorker } from "./fairness-ipc.js";
import { runChild } from "./peers/run-child.js";
import { type S1Job, type S1Result, SIZES } from "./peers/scenarios.js";
import { DATABASE_URL, dropSchemaOf, freshSchemaUrl } from "./postgres-schema.js";
import { jainPerSecond, percentile, type Sent, type Started, summary } from "./s1-metrics.js";

const here = dirname(fileURLToPath(import.meta.url));
const sizes = SIZES.full;
const HEAVY = "heavy";
/** The flood's batch size, as bench/peers sends it. */
const SEND_BATCH = 500;
const ROUNDS = Number(process.env.ROUNDS ?? 2);
/** Give up on a round after this long (ms), as bench/peers does. */
const ROUND_TIMEOUT_MS = 240_000;

/** One round of Fairway with `workers` processes. */
interface WorkersResult {
  light: number[];
  heavyRunsPerSecond: number;
  floodEnqueueSeconds: number;
  lightAckP99: number;
  jain: number[];
  heavyStartsPerWorker: number[];
  /** Per worker: the light runs that started there, p50 and p99 of their enqueue→start (ms). */
  lightPerWorker: Array<{ runs: number; p50: number; p99: number }>;
  lightStartsOnSender: number;
  /** Handler starts of runs whose handler had started before (a lease lost or taken over). */
  startedAgain: number;
  phases: Phases;
}

/** p50/p99 ms of a run's two phases as the store recorded them, for light and heavy runs. */
type Phases = Record<"light" | "heavy", { queued: [number, number]; held: [number, number] }>;

/**
 * Where the runs' time went, from the store's `runs` rows (its clock, ms): `queued` from the run's creation
 * (its send accepted) to its claim (`started_at`, the claimer's time when it asked), `held` from its claim
 * to its end: the lease and the slot, of which the handler is 20 ms; the rest is the claim's wait and
 * transaction, the handler's start, and the end's commit.
 */
async function phasesOf(store: string): Promise<Phases> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const schema = pg.escapeIdentifier(new URL(store).searchParams.get("schema")!);
    const { rows } = await client.query<{ heavy: boolean; queued: number[]; held: number[] }>(
      `SELECT backlog_key LIKE '%heavy' AS heavy,
         percentile_disc(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY started_at - created_at) AS queued,
         percentile_disc(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY ended_at - started_at) AS held
       FROM ${schema}.runs GROUP BY 1`,
    );
    const of = (heavy: boolean) => {
      const row = rows.find((r) => r.heavy === heavy)!;
      return { queued: row.queued as [number, number], held: row.held as [number, number] };
    };
    return { light: of(false), heavy: of(true) };
  } finally {
    await client.end();
  }
}

/** The forked workers of one round, each with its pending sends. */
class Workers {
  private readonly children: ChildProcess[] = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private turn = 0;

  constructor(
    count: number,
    store: string,
    /** The checkout whose `bench/fairness-worker.ts` (and so whose `src/`) the workers run. */
    checkout: string,
    private readonly onReport: (worker: number, report: Extract<FromWorker, { type: "report" }>) => void,
  ) {
    for (let i = 0; i < count; i++) {
      const child = fork(join(checkout, "bench", "fairness-worker.ts"), [store], {
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      this.children.push(child);
    }
  }

  /** Resolves when every worker has started. */
  ready(): Promise<void> {
    return Promise.all(
      this.children.map(
        (child, worker) =>
          new Promise<void>((resolve, reject) => {
            child.once("exit", (code) => reject(new Error(`worker ${worker} exited with ${code}`)));
            child.on("message", (message: FromWorker) => {
              if (message.type === "ready") resolve();
              else if (message.type === "report") this.onReport(worker, message);
              else {
                const waiting = this.pending.get(message.id);
                this.pending.delete(message.id);
                if (message.type === "sent") waiting?.resolve();
                else waiting?.reject(new Error(`worker ${worker}: send failed: ${message.error}`));
              }
            });
          }),
      ),
    ).then(() => {});
  }

  /** Sends `jobs` through the next worker in turn; resolves with its index once it accepted them. */
  send(jobs: S1Job[]): { worker: number; accepted: Promise<void> } {
    const worker = this.turn++ % this.children.length;
    const id = this.nextId++;
    const accepted = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
    });
    this.children[worker]!.send({ type: "send", id, jobs } satisfies ToWorker);
    return { worker, accepted };
  }

  /** Closes every worker's client and waits for the processes to end. */
  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.removeAllListeners("exit");
            child.once("exit", () => resolve());
            child.send({ type: "close" } satisfies ToWorker);
          }),
      ),
    );
  }
}

async function fairwayRound(workerCount: number, checkout: string): Promise<WorkersResult> {
  const store = freshSchemaUrl("fw_bench_workers");
  /** Each run's first handler start (a later one, after a lost lease, counts in `startedAgain`). */
  const starts = new Map<string, Started & { worker: number }>();
  let startedAgain = 0;
  /** Each run's last handler end, by run id. */
  const ends = new Map<string, { tenant: string; at: number }>();
  const lightRuns = sizes.lightTenants * sizes.lightRunsPerTenant;
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const workers = new Workers(workerCount, store, checkout, (worker, report) => {
    for (const { runId, ...start } of report.starts) {
      if (starts.has(runId)) startedAgain++;
      else starts.set(runId, { ...start, worker });
    }
    for (const { runId, tenant, at } of report.ends) ends.set(runId, { tenant, at });
    if (ends.size === sizes.heavyRuns + lightRuns) finished();
  });
  const sent: Sent[] = [];
  /** Per light run: the worker it was sent through, and ms from its send until that worker accepted it. */
  const lightSentThrough = new Map<string, number>();
  const lightAcks: number[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    await workers.ready();
    const began = epochMs();
    for (let offset = 0; offset < sizes.heavyRuns; offset += SEND_BATCH) {
      const now = epochMs();
      const size = Math.min(SEND_BATCH, sizes.heavyRuns - offset);
      for (let i = 0; i < size; i++) sent.push({ tenant: HEAVY, at: now });
      await workers.send(Array.from({ length: size }, () => ({ tenant: HEAVY, sentAt: now }))).accepted;
    }
    const floodEnqueued = epochMs();
    for (let t = 0; t < sizes.lightTenants; t++) {
      for (let k = 0; k < sizes.lightRunsPerTenant; k++) {
        const tenant = `light-${t}`;
        const send = () => {
          const sentAt = epochMs();
          sent.push({ tenant, at: sentAt });
          const { worker, accepted } = workers.send([{ tenant, sentAt }]);
          lightSentThrough.set(`${tenant}@${sentAt}`, worker);
          accepted.then(
            () => lightAcks.push(epochMs() - sentAt),
            (error: unknown) => {
              console.error(String(error));
              process.exitCode = 1;
            },
          );
        };
        timers.push(setTimeout(send, (t / sizes.lightTenants + k) * sizes.lightEveryMs));
      }
    }
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise((_, reject) => {
        timeout = setTimeout(
          () => reject(new Error(`S1 with ${workerCount} workers did not finish in ${ROUND_TIMEOUT_MS} ms`)),
          ROUND_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timeout));
    const phases = await phasesOf(store);
    const lightStarts = [...starts.values()].filter((s) => s.tenant !== HEAVY);
    const heavyStarts = [...starts.values()].filter((s) => s.tenant === HEAVY);
    const heavyEnds = [...ends.values()].filter((end) => end.tenant === HEAVY).map((end) => end.at);
    const firstHeavyStart = Math.min(...heavyStarts.map((s) => s.startedAt));
    const lightEnd = floodEnqueued + sizes.lightRunsPerTenant * sizes.lightEveryMs;
    return {
      light: lightStarts.map((s) => s.startedAt - s.sentAt),
      heavyRunsPerSecond: sizes.heavyRuns / ((Math.max(...heavyEnds) - firstHeavyStart) / 1000),
      floodEnqueueSeconds: (floodEnqueued - began) / 1000,
      lightAckP99: percentile(lightAcks, 99),
      jain: jainPerSecond(sent, [...starts.values()], floodEnqueued, lightEnd),
      startedAgain,
      heavyStartsPerWorker: Array.from(
        { length: workerCount },
        (_, w) => heavyStarts.filter((s) => s.worker === w).length,
      ),
      phases,
      lightPerWorker: Array.from({ length: workerCount }, (_, w) => {
        const latencies = lightStarts.filter((s) => s.worker === w).map((s) => s.startedAt - s.sentAt);
        return { runs: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
      }),
      lightStartsOnSender: lightStarts.filter(
        (s) => lightSentThrough.get(`${s.tenant}@${s.sentAt}`) === s.worker,
      ).length,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await workers.close();
    await dropSchemaOf(store);
  }
}

/** One DBOS S1 through bench/peers' child process, or undefined when bench/peers is not installed. */
async function dbosRound(): Promise<S1Result | undefined> {
  if (!existsSync(join(here, "peers", "node_modules", "@dbos-inc"))) return undefined;
  return (await runChild(["dbos", "s1", "full"])) as S1Result;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const ms = (value: number) => value.toFixed(1);

/** Prints one Fairway round. */
function printFairway(label: string, workerCount: number, fairway: WorkersResult, loadBefore: string): void {
  console.log(
    `${label} ×${workerCount}  light p50 ${ms(percentile(fairway.light, 50))} ms, p99 ` +
      `${ms(percentile(fairway.light, 99))} ms, max ${ms(percentile(fairway.light, 100))} ms ` +
      `(${fairway.light.length} runs, ${fairway.lightStartsOnSender} started on the worker they were sent through); ` +
      `${fairway.startedAgain} handler starts of runs started before; ` +
      `heavy ${fairway.heavyRunsPerSecond.toFixed(0)} runs/s (per worker ${fairway.heavyStartsPerWorker.join("/")}); ` +
      `flood enqueued in ${fairway.floodEnqueueSeconds.toFixed(1)} s; light send→ack p99 ${ms(fairway.lightAckP99)} ms; ` +
      `Jain per 1 s: ${summary(fairway.jain)}; load ${loadBefore} → ${load()}`,
  );
  const perWorker = fairway.lightPerWorker.map(
    ({ runs, p50, p99 }, w) => `#${w} ${runs} runs p50 ${ms(p50)} p99 ${ms(p99)}`,
  );
  console.log(`  light by the worker that started them: ${perWorker.join("; ")}`);
  const phase = ({ queued, held }: Phases["light"]) =>
    `queued ${queued.join("/")} ms, held ${held.join("/")} ms`;
  console.log(
    `  store's clock, p50/p99: light ${phase(fairway.phases.light)}; heavy ${phase(fairway.phases.heavy)} ` +
      "(queued: accepted → claimed; held: claimed → ended, a 20 ms handler)",
  );
}

/**
 * Runs `ROUNDS` rounds of Fairway with `workerCount` workers, each followed by DBOS, and prints them.
 * `BASELINE=<checkout>` also runs that checkout's workers (its `src/`, with this `bench/fairness-worker.ts`
 * copied in) in each round, right after this one's, for a before/after under the same load.
 */
export async function runWorkers(workerCount: number): Promise<void> {
  console.log(
    `S1 with ${workerCount} Fairway workers on PostgreSQL (${sizes.heavyRuns} heavy runs in batches of ` +
      `${SEND_BATCH}, then ${sizes.lightTenants} light tenants × ${sizes.lightRunsPerTenant} runs, one per ` +
      `${sizes.lightEveryMs} ms; every send through the next worker), then DBOS's S1 (bench/peers), ${ROUNDS} rounds`,
  );
  const variants = [{ label: "fairway", checkout: join(here, "..") }];
  if (process.env.BASELINE) variants.push({ label: "baseline", checkout: process.env.BASELINE });
  for (let round = 0; round < ROUNDS; round++) {
    const results: Array<{ label: string; result: WorkersResult }> = [];
    for (const { label, checkout } of variants) {
      const loadBefore = load();
      try {
        const result = await fairwayRound(workerCount, checkout);
        printFairway(label, workerCount, result, loadBefore);
        results.push({ label, result });
      } catch (error) {
        console.log(`${label} ×${workerCount}  ${(error as Error).message}; load ${loadBefore} → ${load()}`);
        process.exitCode = 1;
      }
    }
    const dbosLoad = load();
    const dbos = await dbosRound();
    if (!dbos) {
      console.log("dbos: bench/peers is not installed (npm ci --prefix bench/peers); no comparison");
      continue;
    }
    console.log(
      `dbos       light p50 ${ms(dbos.lightP50Ms)} ms, p99 ${ms(dbos.lightP99Ms)} ms (${dbos.lightRuns} runs); ` +
        `heavy ${dbos.heavyRunsPerSecond.toFixed(0)} runs/s; flood enqueued in ${dbos.floodEnqueueSeconds.toFixed(1)} s; ` +
        `light send→ack p99 ${ms(dbos.lightEnqueueP99Ms)} ms; load ${dbosLoad} → ${load()}`,
    );
    for (const { label, result } of results) {
      console.log(
        `round ${round + 1}: ${label}/dbos heavy throughput ` +
          `${(result.heavyRunsPerSecond / dbos.heavyRunsPerSecond).toFixed(2)}×, light p99 ` +
          `${(dbos.lightP99Ms / percentile(result.light, 99)).toFixed(2)}× better ` +
          "(target: ≥ 1.5× at fairway p99 ≤ 25 ms)",
      );
    }
  }
}
