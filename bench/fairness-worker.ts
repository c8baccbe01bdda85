/**
 * One Fairway worker process of S1 with several workers (`fairness-workers.ts` forks it): opens the
 * PostgreSQL store at `argv[2]` (a `postgres://` URL with its `?schema=`; a pool of `CONNECTIONS`), registers S1's function (20 ms of
 * simulated I/O; concurrency 32 for the function and 32 per tenant, decided across workers in the claim),
 * sends what the parent hands it (as a load balancer would), and reports each handler's start and end.
 *
 * IPC, parent → worker: `{ type: "send", id, jobs }` (answered `{ type: "sent", id }` once `send` resolved,
 * or `{ type: "failed", id, error }`), `{ type: "close" }` (closes the client and exits). Worker → parent:
 * `{ type: "ready" }` after `start()`, then `{ type: "report", starts, ends }` (each with its run id) every 50 ms
 * while anything happened. Times are epoch ms with sub-ms precision (`performance.timeOrigin + now()`),
 * so the parent compares them with its own.
 */
import { Fairway } from "../src/index.js";
import { PostgresStore } from "../src/store/postgres/index.js";
import { epochMs, type FromWorker, type RunEnded, type RunStarted, type ToWorker } from "./fairness-ipc.js";
import { CAPACITY, HANDLER_MS, type S1Job } from "./peers/scenarios.js";

const REPORT_EVERY_MS = 50;
/**
 * Each worker's pool: the four workers then hold 8 connections on the 2-core server, 4 per core, as
 * `PostgresStore`'s `maxConnections` advises (2–6 per server core over all workers; the default 4 each would
 * be 8 per core here).
 */
const CONNECTIONS = 2;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function main(store: string): Promise<void> {
  const post = (message: FromWorker) => process.send!(message);
  const fairway = new Fairway({
    id: "bench-workers",
    store: new PostgresStore({ connectionString: store, maxConnections: CONNECTIONS }),
    logger: silent,
  });
  let starts: RunStarted[] = [];
  let ends: RunEnded[] = [];
  fairway.createFunction(
    { id: "work", concurrency: [{ limit: CAPACITY }, { limit: CAPACITY, key: "event.data.tenant" }] },
    { event: "work/requested" },
    async ({ event, runId }) => {
      const job = event.data as S1Job;
      starts.push({ runId, tenant: job.tenant, sentAt: job.sentAt, startedAt: epochMs() });
      await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
      ends.push({ runId, tenant: job.tenant, at: epochMs() });
    },
  );
  await fairway.start();
  const reporter = setInterval(() => {
    if (starts.length === 0 && ends.length === 0) return;
    post({ type: "report", starts, ends });
    starts = [];
    ends = [];
  }, REPORT_EVERY_MS);
  process.on("message", (message: ToWorker) => {
    if (message.type === "close") {
      clearInterval(reporter);
      void fairway.close().then(() => process.exit(0));
      return;
    }
    fairway.send(message.jobs.map((data) => ({ name: "work/requested", data }))).then(
      () => post({ type: "sent", id: message.id }),
      (error: unknown) => post({ type: "failed", id: message.id, error: String(error) }),
    );
  });
  post({ type: "ready" });
}

const store = process.argv[2];
if (!store || !process.send) throw new Error("fairness-worker: fork it with the store URL as its argument");
await main(store);
