/**
 * Child process of the S4 multi-worker test: `node --import tsx s4-worker.ts <dir> <schema> <index> <workers>`.
 * One worker of the app `s4` on the test database's `<schema>`: defines the limited function ({@link s4Config}),
 * starts, sends its share of the events (every `<workers>`-th, from `<index>`, with fixed ids), writes
 * `sent-<index>` in `<dir>` and keeps executing until killed. Each step body records its start (before the
 * work) and its end (after it) in the table `s4_log` of the same schema through its own pool, not through
 * Fairway: the test checks the limits on what the handlers saw. Each execution's entry into the handler (a claim
 * by this worker) is recorded in `s4_entry`.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { Fairway } from "../../src/index.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { TEST_DATABASE_URL } from "../helpers/postgres.js";
import { S4, s4Config } from "./s4-plan.js";

const [dir = ".", schema = "", indexText = "0", workersText = "1"] = process.argv.slice(2);
const index = Number(indexText);
const workers = Number(workersText);

const log = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2, options: `-c search_path=${schema}` });
log.on("error", () => {});

const fairway = new Fairway({
  id: "s4",
  store: new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 }),
  leaseMs: S4.leaseMs,
  sweepMs: S4.sweepMs,
  logger: { debug() {}, info() {}, warn() {}, error: (message, fields) => console.error(message, fields) },
});

/** Runs `work` as a recorded step body: a start row before, its end after. */
async function recorded(runId: string, key: string, stepId: string, work: () => Promise<void>) {
  const started = await log.query<{ id: number }>(
    "INSERT INTO s4_log (run_id, step_id, key, worker, started_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    [runId, stepId, key, index, Date.now()],
  );
  await work();
  await log.query("UPDATE s4_log SET ended_at = $2 WHERE id = $1", [started.rows[0]?.id, Date.now()]);
}

fairway.createFunction(s4Config, { event: "s4/go" }, async ({ event, runId, step }) => {
  const key = String(event.data.key);
  // Every execution (a first claim, a resume elsewhere) enters here: when this worker took the run.
  await log.query("INSERT INTO s4_entry (run_id, worker, at) VALUES ($1, $2, $3)", [
    runId,
    index,
    Date.now(),
  ]);
  for (const stepId of S4.steps) {
    await step.run(stepId, () =>
      recorded(runId, key, stepId, () => new Promise((resolve) => setTimeout(resolve, S4.stepMs))),
    );
  }
  return key;
});

await fairway.start();
const events = S4.events()
  .filter((_, position) => position % workers === index)
  .map((event) => ({ ...event, data: { ...event.data, sender: index } }));
for (let at = 0; at < events.length; at += 100) await fairway.send(events.slice(at, at + 100));
writeFileSync(join(dir, `sent-${index}`), String(events.length));
