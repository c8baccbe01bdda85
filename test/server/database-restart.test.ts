/**
 * A PostgreSQL restart under load (issue 12, "Faults"): a server on a cluster of the test's own (never the
 * shared one) takes events through its HTTP event API from four senders while runs of three steps execute;
 * the cluster is stopped (`pg_ctl stop -m fast`) mid-load and started again. While it is down the event API
 * answers 503 (senders retry the same event with its id, as a client would); the workers' store calls retry with
 * backoff and executions cut off are resumed from their last checkpoint. Afterwards: every acknowledged event
 * has exactly one run, every run completed, and no step ran again after its checkpoint was acknowledged.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { createServer } from "../../src/server/index.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { signal } from "../engine/helpers.js";
import { type OwnCluster, ownCluster } from "../helpers/own-cluster.js";
import { EVENT_KEY, memoryLogger, SIGNING_KEY } from "./helpers/test-server.js";

const STEPS = 3;
const SENDERS = 4;

let cluster: OwnCluster | undefined;
let fairway: Fairway | undefined;
afterEach(async () => {
  await fairway?.close();
  await cluster?.remove();
});

describe("event API and workers across a PostgreSQL restart", () => {
  it("answers 503 while the database is down; afterwards every acknowledged event ran once, no checkpoint repeated", async () => {
    cluster = await ownCluster();
    const store = new PostgresStore({
      connectionString: cluster.url,
      connectTimeoutMs: 1000,
      retry: { attempts: 3, minDelayMs: 5, maxDelayMs: 20 },
    });
    const logger = memoryLogger();
    const app = new Fairway({ id: "restart", store, logger });
    fairway = app;
    /** Per run, the step bodies in the order they ran (an index may repeat only before a later one ran). */
    const executed = new Map<string, number[]>();
    /** Runs whose handler returned (a handler may return twice if its end was cut off: counted once). */
    const returned = new Set<string>();
    let completedGoal = 0;
    let reached = signal();
    app.createFunction({ id: "steps" }, { event: "app/go" }, async ({ event, step, runId }) => {
      for (let index = 0; index < STEPS; index++) {
        await step.run(`s${index}`, () => {
          executed.set(runId, [...(executed.get(runId) ?? []), index]);
        });
      }
      returned.add(runId);
      if (returned.size >= completedGoal) reached.resolve();
      return event.data.n;
    });
    const server = createServer({
      client: app,
      auth: { signingKey: SIGNING_KEY, eventKeys: [EVENT_KEY] },
      logger,
    });
    const post = (n: number) =>
      server.app.request("/api/events", {
        method: "POST",
        headers: { authorization: `Bearer ${EVENT_KEY}`, "content-type": "application/json" },
        // The event id makes a retried send idempotent: a 503 may come after the store committed (the
        // connection dropped during COMMIT: outcome unknown), and the retry must not start a second run.
        body: JSON.stringify({ name: "app/go", id: `go-${n}`, data: { n } }),
      });

    // The load: each sender posts events one after another; a 503 is retried (the same event) after 20 ms.
    const acknowledged: number[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    let stopping = false;
    const sender = async () => {
      while (!stopping) {
        const n = next++;
        for (;;) {
          const response = await post(n);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 200) {
            acknowledged.push(n);
            break;
          }
          expect(response.status).toBe(503);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const until = async (goal: number) => {
      completedGoal = goal;
      reached = signal();
      if (returned.size < goal) await reached.promise;
    };
    const senders = Array.from({ length: SENDERS }, sender);
    await until(20);

    await cluster.stop();
    const refused = await post(-1);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("store_failed");
    await cluster.start();

    await until(returned.size + 20);
    stopping = true;
    await Promise.all(senders);

    const { runs: stored } = await app.listRuns({ functionId: "steps", limit: 1000 });
    await Promise.all(stored.map((run) => app.waitForRun(run.id)));
    const { runs } = await app.listRuns({ functionId: "steps", limit: 1000 });
    expect(runs.map((run) => Number(run.event.data.n)).sort((a, b) => a - b)).toEqual(
      [...acknowledged].sort((a, b) => a - b),
    );
    expect(runs.every((run) => run.status === "completed")).toBe(true);
    for (const run of runs) {
      const order = executed.get(run.id) ?? [];
      expect(new Set(order)).toEqual(new Set([0, 1, 2]));
      // A step ran again only if the handler had not gone past it (its checkpoint was not acknowledged).
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
  }, 60_000);
});
