/**
 * BullMQ (open-source edition) on the local Redis, under its own key prefix `fw-peers`, a fresh queue per
 * scenario, obliterated afterwards.
 *
 * Configuration and why: per-tenant fairness in BullMQ is its Groups feature, which only BullMQ Pro has; the
 * open-source edition offers one queue served FIFO (or by explicit job priority, which would need to know who
 * is light). So S1 is one FIFO queue and one Worker with `concurrency` 32 — the setting BullMQ documents for
 * I/O-bound processors — and no per-tenant limit. S2 follows BullMQ's documented "process step jobs" pattern:
 * the processor records each finished step with `job.updateData` (a Redis write) before the next one, and
 * a Worker with `concurrency` = runs in flight. Completed jobs are removed (`removeOnComplete`), as the docs
 * advise for high volume. Durability: whatever the Redis server persists (the local one runs without
 * AOF/RDB: an acknowledged job or step is lost if Redis restarts).
 */
import { type Job, Queue, Worker } from "bullmq";
import { CAPACITY, type S1Job, type S1Target, type S2Target, STEPS } from "../scenarios.js";
import { type Peer, REDIS_URL, uniqueName } from "./peer.js";

const PREFIX = "fw-peers";

function connection() {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
}

/** A fresh queue and what closes and removes it with its worker. */
function openQueue(prefix: string): { queue: Queue; close(worker: Worker | undefined): Promise<void> } {
  const queue = new Queue(uniqueName(prefix), {
    connection: connection(),
    prefix: PREFIX,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000 },
  });
  return {
    queue,
    async close(worker) {
      await worker?.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

export const bullmq: Peer = {
  name: "BullMQ 6.7.6 (OSS)",
  store: "Redis, no AOF (as started here)",
  async s1(): Promise<S1Target> {
    const { queue, close } = openQueue("s1");
    let worker: Worker | undefined;
    return {
      async start(handler) {
        worker = new Worker(queue.name, (job: Job<S1Job>) => handler(job.data), {
          connection: connection(),
          prefix: PREFIX,
          concurrency: CAPACITY,
        });
        await worker.waitUntilReady();
      },
      async send(jobs) {
        await queue.addBulk(jobs.map((data) => ({ name: "work", data })));
      },
      close: () => close(worker),
    };
  },
  async s2(): Promise<S2Target> {
    const { queue, close } = openQueue("s2");
    let worker: Worker | undefined;
    return {
      async start(inFlight, onRunDone) {
        worker = new Worker(
          queue.name,
          async (job: Job<{ run: number; step: number }>) => {
            // Resume after the last recorded step, as the docs' step-job pattern does after a retry.
            for (let i = job.data.step; i < STEPS; i++)
              await job.updateData({ run: job.data.run, step: i + 1 });
          },
          { connection: connection(), prefix: PREFIX, concurrency: inFlight },
        );
        worker.on("completed", () => onRunDone());
        await worker.waitUntilReady();
      },
      async send(runIds) {
        await queue.addBulk(runIds.map((run) => ({ name: "steps", data: { run, step: 0 } })));
      },
      close: () => close(worker),
    };
  },
};
