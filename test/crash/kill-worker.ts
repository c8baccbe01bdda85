/**
 * Child process for the crash-attempt test: `tsx kill-worker.ts <dir>`. Opens the SQLite file in `<dir>`,
 * sends one `kill/go` event (with a fixed `id`, so a restart sends no second run), and executes: the step
 * `boom` SIGKILLs its own process. Each start appends its pid to `starts.txt`. Once the run has ended (its
 * step failed after its attempts), writes `result.json` (run status and error, steps, the onFailure run's
 * status) and exits 0: the app stays up.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Fairway } from "../../src/index.js";

const [dir = "."] = process.argv.slice(2);
const file = (name: string) => join(dir, name);
appendFileSync(file("starts.txt"), `${process.pid}\n`);

const fairway = new Fairway({ id: "kill", store: file("fairway.db"), leaseMs: 60_000 });
const fn = fairway.createFunction(
  { id: "killer", retries: 2, onFailure: async ({ event }) => ({ failed: event.data.run_id }) },
  { event: "kill/go" },
  async ({ step }) => {
    await step.run("before", () => "fine");
    await step.run("boom", () => {
      process.kill(process.pid, "SIGKILL");
      return new Promise<never>(() => {});
    });
    return "unreachable";
  },
);

const ended = new Promise<string>((resolve) => {
  fairway.onRunEvent((event) => {
    if (event.functionId === fn.id && (event.type === "run.failed" || event.type === "run.completed"))
      resolve(event.runId);
  });
});
await fairway.send({ name: "kill/go", id: "the-one-event", data: {} });
const runId = await ended;
const run = await fairway.getRun(runId);
const steps = await fairway.getRunSteps(runId);
const failure = (await fairway.listRuns({ functionId: `${fn.id}-failure` })).runs[0];
const onFailure = failure ? await fairway.waitForRun(failure.id, { timeoutMs: 30_000 }) : undefined;
writeFileSync(
  file("result.json"),
  JSON.stringify({
    status: run?.status,
    error: run?.error,
    steps,
    onFailure,
    runs: (await fairway.listRuns({ functionId: fn.id })).runs.length,
  }),
);
await fairway.close();
