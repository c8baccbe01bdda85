/**
 * Timers fire once across workers: two Fairway clients (two pools, as two worker processes have) run the
 * same app on one PostgreSQL schema and one fake clock. Each cron tick starts one run, a sleep wakes its run
 * once, a debounce and a batch each release one run, a retry runs its step again once, whichever worker
 * holds the timer; and a debounce and a batch whose writer died fire once on the live worker at their due
 * time, without a restart (found by its sweep, or brought forward by the writer's notice).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Fairway, FairwayOptions } from "../../src/index.js";
import type { Store, StoreWork } from "../../src/store/store.js";
import { type DurableLocation, durableLocation, twoWorkers } from "../helpers/postgres.js";
import { signal, tempDir } from "./helpers.js";

let location: DurableLocation;
afterEach(async () => {
  await location.remove();
});

/** Two workers on a fresh schema (see `twoWorkers`). */
function workers(define: (fairway: Fairway, worker: string) => void, options: Partial<FairwayOptions> = {}) {
  location = durableLocation("postgres", tempDir());
  return twoWorkers(location, define, { limitsRefreshMs: 0, ...options });
}

/**
 * Two workers on a fresh schema whose second store (worker b's) calls `heard` after handing each wake-up
 * notice to the engine.
 */
function listeningWorkers(
  define: (fairway: Fairway, worker: string) => void,
  options: Partial<FairwayOptions>,
  heard: (work: StoreWork) => void,
) {
  location = durableLocation("postgres", tempDir());
  const base = location;
  let opened = 0;
  const open = () => {
    const store = base.open() as Store;
    opened += 1;
    if (opened !== 2) return store;
    return new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== "function") return value;
        if (key !== "subscribe") return value.bind(target);
        return (onWork: (work: StoreWork) => void) =>
          target.subscribe?.((work) => {
            onWork(work);
            heard(work);
          });
      },
    });
  };
  return twoWorkers({ open, remove: () => base.remove() }, define, { limitsRefreshMs: 0, ...options });
}

/** A debounce (10 s) and a batch (timeout 8 s) that record each run's events and its creation time. */
function deferred(released: Array<{ fn: string; at: number; n: unknown[] }>) {
  return (fairway: Fairway) => {
    for (const [id, flow] of [
      ["d", { debounce: { period: "10s", key: "event.data.user" } }],
      ["b", { batchEvents: { maxSize: 10, timeout: "8s" } }],
    ] as const) {
      fairway.createFunction({ id, ...flow }, { event: id }, async ({ events, runId }) => {
        const run = await fairway.getRun(runId);
        released.push({ fn: id, at: run?.createdAt ?? -1, n: events.map((event) => event.data.n) });
      });
    }
  };
}

describe("timers on two workers sharing one PostgreSQL schema", () => {
  it("each cron tick starts one run", async () => {
    const ticks: number[] = [];
    const { a, clock, close } = await workers((fairway) => {
      fairway.createFunction({ id: "tick" }, { cron: "*/5 * * * *" }, async ({ event }) => {
        ticks.push(event.ts as number);
      });
    });
    await clock.advance("16m");
    const { runs } = await a.listRuns({ functionId: "tick" });
    expect(runs.map((run) => run.status)).toEqual(["completed", "completed", "completed"]);
    expect(new Set(runs.map((run) => run.event.ts)).size).toBe(3);
    expect(ticks.sort()).toEqual(runs.map((run) => run.event.ts as number).sort());
    await close();
  });

  it("a sleep wakes its run once: the step after it runs once, on either worker", async () => {
    const calls: string[] = [];
    const { a, b, clock, close } = await workers((fairway, worker) => {
      fairway.createFunction({ id: "nap" }, { event: "nap" }, async ({ step }) => {
        await step.run("before", () => calls.push(`before@${worker}`));
        await step.sleep("rest", "1m");
        await step.run("after", () => calls.push(`after@${worker}`));
      });
    });
    await a.send({ name: "nap" });
    await b.send({ name: "nap" });
    await clock.advance(0);
    expect(calls.filter((call) => call.startsWith("before"))).toHaveLength(2);
    await clock.advance("2m");
    expect(calls.filter((call) => call.startsWith("after"))).toHaveLength(2);
    const { runs } = await b.listRuns({ functionId: "nap" });
    expect(runs.map((run) => run.status)).toEqual(["completed", "completed"]);
    await close();
  });

  it("a debounce both workers extended releases one run with the last event", async () => {
    const released: unknown[][] = [];
    const { a, b, clock, close } = await workers((fairway) => {
      fairway.createFunction(
        { id: "d", debounce: { period: "10s", key: "event.data.user" } },
        { event: "deb" },
        async ({ events }) => {
          released.push(events.map((event) => event.data.n));
        },
      );
    });
    await a.send({ name: "deb", data: { user: "u", n: 1 } });
    await clock.advance("4s");
    await b.send({ name: "deb", data: { user: "u", n: 2 } });
    await clock.advance("4s");
    await a.send({ name: "deb", data: { user: "u", n: 3 } });
    await clock.advance("30s");
    expect(released).toEqual([[3]]);
    const { runs } = await a.listRuns({ functionId: "d" });
    expect(runs.map((run) => run.status)).toEqual(["completed"]);
    await close();
  });

  it("a batch both workers filled releases one run at its timeout", async () => {
    const released: unknown[][] = [];
    const { a, b, clock, close } = await workers((fairway) => {
      fairway.createFunction(
        { id: "b", batchEvents: { maxSize: 10, timeout: "5s" } },
        { event: "bat" },
        async ({ events }) => {
          released.push(events.map((event) => event.data.n));
        },
      );
    });
    await a.send({ name: "bat", data: { n: 1 } });
    await b.send({ name: "bat", data: { n: 2 } });
    await a.send({ name: "bat", data: { n: 3 } });
    await clock.advance("20s");
    expect(released).toEqual([[1, 2, 3]]);
    await close();
  });

  it("a debounce and a batch whose writer died fire once on the live worker at their due time (its sweep)", async () => {
    const released: Array<{ fn: string; at: number; n: unknown[] }> = [];
    const { a, b, clock, close } = await workers(deferred(released), { sweepMs: 1000, leaseMs: 5000 });
    const t0 = clock.now();
    await a.send([
      { name: "d", data: { user: "u", n: 1 } },
      { name: "b", data: { n: 1 } },
      { name: "b", data: { n: 2 } },
    ]);
    // Worker a dies with both entries written and their timers armed only in its memory.
    await a.close();
    await clock.advance(7999);
    expect(released).toEqual([]);
    await clock.advance("1m");
    released.sort((x, y) => x.at - y.at);
    expect(released).toEqual([
      { fn: "b", at: t0 + 8000, n: [1, 2] },
      { fn: "d", at: t0 + 10_000, n: [1] },
    ]);
    const runs = await Promise.all(["b", "d"].map((functionId) => b.listRuns({ functionId })));
    expect(runs.map((page) => page.runs.map((run) => run.status))).toEqual([["completed"], ["completed"]]);
    await close();
  });

  it("a debounce and a batch whose writer died fire at their due time on a worker told by the writer's notice", async () => {
    const released: Array<{ fn: string; at: number; n: unknown[] }> = [];
    const noticed = signal();
    // Worker b's own sweeps come a minute apart: only the notice can make it fire the entries in time.
    const { a, clock, close } = await listeningWorkers(
      deferred(released),
      { sweepMs: 60_000, leaseMs: 60_000 },
      (work) => {
        if (work.kind === "due") noticed.resolve();
      },
    );
    const t0 = clock.now();
    await a.send([
      { name: "b", data: { n: 1 } },
      { name: "d", data: { user: "u", n: 1 } },
    ]);
    await noticed.promise;
    await a.close();
    await clock.advance(9999);
    expect(released).toEqual([{ fn: "b", at: t0 + 8000, n: [1] }]);
    await clock.advance(1);
    expect(released).toEqual([
      { fn: "b", at: t0 + 8000, n: [1] },
      { fn: "d", at: t0 + 10_000, n: [1] },
    ]);
    await close();
  });

  it("a step's retry and a wait's timeout fire once", async () => {
    let attempts = 0;
    const outcomes: unknown[] = [];
    const { a, clock, close } = await workers((fairway) => {
      fairway.createFunction({ id: "r", retries: 2 }, { event: "go" }, async ({ step }) => {
        await step.run("flaky", () => {
          attempts += 1;
          if (attempts < 3) throw new Error(`attempt ${attempts} fails`);
        });
        outcomes.push(await step.waitForEvent("reply", { event: "reply", timeout: "1m" }));
      });
    });
    await a.send({ name: "go" });
    await clock.advance("10m");
    expect(attempts).toBe(3);
    expect(outcomes).toEqual([null]);
    const { runs } = await a.listRuns({ functionId: "r" });
    expect(runs.map((run) => run.status)).toEqual(["completed"]);
    await close();
  });
});
