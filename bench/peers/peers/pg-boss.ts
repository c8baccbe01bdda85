/**
 * pg-boss 10.4.2 — the newest release that runs on Node 20 (11 and later require Node 22) — on the same
 * PostgreSQL server (database `fw_peers_pgboss`, a fresh schema per scenario, dropped afterwards).
 *
 * Configuration and why: pg-boss 10 documents no per-key concurrency (its queue policies `singleton` and
 * `stately` allow one job per queue or key, not N), so S1 is one `standard` queue served FIFO. Workers poll:
 * `pollingIntervalSeconds` 0.5 is the minimum it accepts, and `notifyWorker` (documented to skip the polling
 * delay) is called by every worker after each job and on every send, so a worker with work to do never
 * sleeps. S1 runs 32 workers of `batchSize` 1 (one slot each, as in the other peers). pg-boss has no
 * checkpointed steps: S2 chains one job per step (each step's handler inserts the next step's job, which is
 * the durable checkpoint), with one worker fetching `batchSize` = runs in flight, the setting pg-boss
 * documents for throughput. Maintenance and scheduling are off (`supervise`, `schedule` false): they would
 * only add background queries to a short benchmark.
 */
import PgBoss from "pg-boss";
import { CAPACITY, type S1Job, type S1Target, type S2Target, STEPS } from "../scenarios.js";
import { type Peer, uniqueName } from "./peer.js";
import { dropSchema, ensureDatabase } from "./postgres.js";

const POLLING_INTERVAL_SECONDS = 0.5;

async function openBoss(): Promise<{ boss: PgBoss; close(): Promise<void> }> {
  const url = await ensureDatabase("fw_peers_pgboss");
  const schema = uniqueName("pgboss");
  const boss = new PgBoss({ connectionString: url, schema, supervise: false, schedule: false });
  boss.on("error", (error) => console.error(`pg-boss: ${String(error)}`));
  await boss.start();
  return {
    boss,
    async close() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      await dropSchema(url, schema);
    },
  };
}

export const pgBoss: Peer = {
  name: "pg-boss 10.4.2",
  store: "PostgreSQL",
  async s1(): Promise<S1Target> {
    const { boss, close } = await openBoss();
    await boss.createQueue("s1", { name: "s1", policy: "standard" });
    const workers: string[] = [];
    return {
      async start(handler) {
        for (let i = 0; i < CAPACITY; i++) {
          let id = "";
          id = await boss.work<S1Job>(
            "s1",
            { batchSize: 1, pollingIntervalSeconds: POLLING_INTERVAL_SECONDS },
            async ([job]) => {
              await handler(job!.data);
              boss.notifyWorker(id);
            },
          );
          workers.push(id);
        }
      },
      async send(jobs) {
        await boss.insert(jobs.map((data) => ({ name: "s1", data })));
        for (const id of workers) boss.notifyWorker(id);
      },
      close,
    };
  },
  async s2(): Promise<S2Target> {
    const { boss, close } = await openBoss();
    await boss.createQueue("s2", { name: "s2", policy: "standard" });
    let worker = "";
    return {
      async start(inFlight, onRunDone) {
        worker = await boss.work<{ run: number; step: number }>(
          "s2",
          { batchSize: inFlight, pollingIntervalSeconds: POLLING_INTERVAL_SECONDS },
          async (jobs) => {
            await Promise.all(
              jobs.map(async ({ data }) => {
                if (data.step + 1 < STEPS) await boss.send("s2", { run: data.run, step: data.step + 1 });
                else onRunDone();
              }),
            );
            boss.notifyWorker(worker);
          },
        );
      },
      async send(runIds) {
        await boss.insert(runIds.map((run) => ({ name: "s2", data: { run, step: 0 } })));
        boss.notifyWorker(worker);
      },
      close,
    };
  },
};
