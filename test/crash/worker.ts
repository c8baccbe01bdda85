/**
 * Child process for the crash tests: `tsx worker.ts <dir> <mode>`.
 *
 * - mode `send`: defines the function, sends EVENTS events one by one (appending each accepted id to
 *   `accepted.txt`), then keeps executing until killed.
 * - mode `resume`: defines the function, starts (recovering unfinished runs), waits until every run has
 *   ended, writes `result.json`, exits 0.
 *
 * Every step body appends `<runId> <stepId>` to `effects.txt` (the side effect the test counts). Crash points,
 * chosen by the parent through files in `<dir>`:
 * - `block-inside`: the first execution of step s5 of the first run writes `at-inside` and hangs inside the step;
 * - `block-between`: the first execution of the first run writes `at-between` after checkpointing s5 and hangs
 *   before s6 starts.
 * The other runs park between s1 and s2 in the first process (writing `parked-<n>`), so the kill finds every
 * run at a known point.
 */
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Fairway } from "../../src/index.js";

const [dir = ".", mode = "send"] = process.argv.slice(2);
const EVENTS = 8;
const STEPS = 10;
const file = (name: string) => join(dir, name);
const hang = () => new Promise<never>(() => {});

/** Hangs the first time only, when the test asked for it: `block-<where>` exists, `at-<where>` (written now) not. */
async function blockOnce(where: "inside" | "between"): Promise<void> {
  if (!existsSync(file(`block-${where}`)) || existsSync(file(`at-${where}`))) return;
  writeFileSync(file(`at-${where}`), "");
  await hang();
}

const fairway = new Fairway({ id: "crash", store: file("fairway.db"), leaseMs: 60_000 });

fairway.createFunction({ id: "ten-steps" }, { event: "crash/go" }, async ({ event, step, runId }) => {
  let total = 0;
  for (let i = 0; i < STEPS; i++) {
    total += await step.run(`s${i}`, async () => {
      appendFileSync(file("effects.txt"), `${runId} s${i}\n`);
      if (i === 5 && event.data.n === 0) await blockOnce("inside");
      return i * (event.data.n as number);
    });
    if (i === 5 && event.data.n === 0) await blockOnce("between");
    if (i === 1 && mode === "send" && event.data.n !== 0) {
      writeFileSync(file(`parked-${event.data.n}`), "");
      await hang();
    }
  }
  return total;
});

if (mode === "send") {
  for (let n = 0; n < EVENTS; n++) {
    const { ids } = await fairway.send({ name: "crash/go", data: { n } });
    appendFileSync(file("accepted.txt"), `${ids[0]}\n`);
  }
  writeFileSync(file("sent"), "");
  setInterval(() => {}, 60_000); // stay up, executing, until killed
} else {
  await fairway.start();
  const pending = async () => {
    const { runs } = await fairway.listRuns({ limit: 1000 });
    return runs.filter((run) => !["completed", "failed", "cancelled"].includes(run.status)).length;
  };
  await new Promise<void>((resolve) => {
    const check = async () => {
      if ((await pending()) === 0) {
        off();
        resolve();
      }
    };
    const off = fairway.onRunEvent((event) => {
      if (event.type === "run.completed" || event.type === "run.failed") void check();
    });
    void check();
  });
  const { runs } = await fairway.listRuns({ limit: 1000 });
  const result = runs.map((run) => ({
    id: run.id,
    eventId: run.eventIds[0],
    status: run.status,
    output: run.output,
    n: run.event.data.n,
  }));
  writeFileSync(file("result.json"), JSON.stringify(result));
  await fairway.close();
}
