/**
 * DBOS Transact (`@dbos-inc/dbos-sdk`), its system database on the same PostgreSQL server as the others
 * (database `fw_peers_dbos`, a fresh schema per scenario, the default pool, LISTEN/NOTIFY on).
 *
 * Configuration and why: DBOS bounds concurrency with workflow queues. S1 uses one partitioned queue (the
 * tenant is the partition key) with `workerConcurrency` 32 (one process: the documented per-process cap,
 * cheaper than a global one) and `partitionConcurrency` 32, mirroring Fairway's two limits, and
 * `minPollingIntervalMs` 1 (default 1000): the setting the DBOS figures of DESIGN.md §6 were measured with,
 * and what a latency-sensitive partitioned queue needs. S2 is a workflow of `STEPS` `DBOS.runStep`
 * checkpoints, started on a queue with `workerConcurrency` = runs in flight and the same 1 ms polling.
 * A run counts as done when its workflow body returns (DBOS writes its final status just after: this
 * leaves one write per run out of DBOS's time, in its favour).
 */
import { DBOS } from "@dbos-inc/dbos-sdk";
import { CAPACITY, type S1Job, type S1Target, type S2Target, STEPS } from "../scenarios.js";
import { type Peer, uniqueName } from "./peer.js";
import { dropSchema, ensureDatabase } from "./postgres.js";

/** Enqueue this many workflows at once (DBOS has no bulk enqueue; each is one INSERT on the pool). */
const PARALLEL_ENQUEUES = 50;

/** Configures DBOS on a fresh schema; the result shuts DBOS down and drops that schema. */
async function configure(): Promise<() => Promise<void>> {
  const url = await ensureDatabase("fw_peers_dbos");
  const schema = uniqueName("dbos");
  DBOS.setConfig({
    name: "fairway-peers",
    systemDatabaseUrl: url,
    systemDatabaseSchemaName: schema,
    logLevel: "error",
  });
  return async () => {
    await DBOS.shutdown();
    await dropSchema(url, schema);
  };
}

async function inParallel<T>(items: T[], enqueue: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL_ENQUEUES) {
    await Promise.all(items.slice(i, i + PARALLEL_ENQUEUES).map(enqueue));
  }
}

export const dbos: Peer = {
  name: "DBOS Transact 5.3.0",
  store: "PostgreSQL system database",
  async s1(): Promise<S1Target> {
    const close = await configure();
    let workflow: ((job: S1Job) => Promise<void>) | undefined;
    return {
      async start(handler) {
        workflow = DBOS.registerWorkflow((job: S1Job) => handler(job), { name: "work" });
        await DBOS.launch();
        await DBOS.registerQueue("s1", {
          workerConcurrency: CAPACITY,
          partitionConcurrency: CAPACITY,
          minPollingIntervalMs: 1,
        });
      },
      async send(jobs) {
        await inParallel(jobs, (job) =>
          DBOS.startWorkflow(workflow!, {
            queueName: "s1",
            enqueueOptions: { queuePartitionKey: job.tenant },
          })(job),
        );
      },
      close,
    };
  },
  async s2(): Promise<S2Target> {
    const close = await configure();
    let workflow: ((run: number) => Promise<void>) | undefined;
    return {
      async start(inFlight, onRunDone) {
        workflow = DBOS.registerWorkflow(
          async (_run: number) => {
            for (let i = 0; i < STEPS; i++) await DBOS.runStep(async () => i, { name: `s${i}` });
            onRunDone();
          },
          { name: "steps" },
        );
        await DBOS.launch();
        await DBOS.registerQueue("s2", { workerConcurrency: inFlight, minPollingIntervalMs: 1 });
      },
      async send(runIds) {
        await inParallel(runIds, (run) => DBOS.startWorkflow(workflow!, { queueName: "s2" })(run));
      },
      close,
    };
  },
};
