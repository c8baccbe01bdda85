/**
 * Live recovery: a store error abandons one execution (logged once with the run id) and the run resumes
 * from its last checkpoint after a backoff, in the same process and within the lease time; the periodic
 * sweep finds runs this process was never told about and leases that expired while it runs.
 */
import { describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import type { Store } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { makeFairway, queuedRun } from "./helpers.js";

/** A logger that keeps errors. */
function recordingLogger() {
  const errors: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  return {
    errors,
    logger: {
      debug() {},
      info() {},
      warn() {},
      error: (message: string, fields?: Record<string, unknown>) => errors.push({ message, fields }),
    },
  };
}

/** `store` with `saveStep` failing (throwing, like a full disk) on the calls numbered in `failOn` (1-based). */
function failingSaves(store: Store, failOn: number[]) {
  let calls = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "saveStep") {
        return (...args: Parameters<Store["saveStep"]>) => {
          calls += 1;
          if (failOn.includes(calls))
            return Promise.reject(new Error("SQLITE_FULL: database or disk is full"));
          return target.saveStep(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("live recovery", () => {
  it("a run stranded by a store error completes in the same process within the lease time", async () => {
    const clock = new FakeClock();
    const { errors, logger } = recordingLogger();
    // Calls: 1 = step a running, 2 = step a completed (fails: disk full).
    const store = failingSaves(new MemoryStore(), [2]);
    const fairway = new Fairway({ id: "app", store, clock, logger, leaseMs: 30_000 });
    const effects: string[] = [];
    fairway.createFunction({ id: "f" }, { event: "go" }, async ({ step, event }) => {
      const a = await step.run("a", () => {
        effects.push(`a ${event.data.n}`);
        return "A";
      });
      return `${a}${await step.run("b", () => "B")}`;
    });
    await fairway.send({ name: "go", data: { n: 1 } });
    await clock.advance(10);
    const runId = (await fairway.listRuns({})).runs[0]?.id as string;
    expect((await fairway.getRun(runId))?.status).toBe("running");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.fields).toMatchObject({ runId, failures: 1, delayMs: 1000 });
    // The process keeps serving meanwhile.
    const other = await fairway.send({ name: "go", data: { n: 2 } });
    await clock.advance(10);
    expect((await fairway.listRuns({ status: "completed" })).runs.map((run) => run.eventIds[0])).toEqual(
      other.ids,
    );
    // After the 1 s backoff the same process claims the run again (its own lease) and resumes it.
    await clock.advance(1000);
    await expect(fairway.waitForRun(runId)).resolves.toBe("AB");
    expect(clock.now() - (await fairway.getRun(runId))!.createdAt).toBeLessThan(30_000);
    expect(effects.filter((effect) => effect === "a 1")).toHaveLength(2);
    // The abandoned attempt is made again, not counted as a crash of the step.
    expect((await store.getSteps(runId))[0]).toMatchObject({ id: "a", status: "completed", attempts: 1 });
    expect((await store.getSteps(runId))[0]?.error).toBeUndefined();
    expect(errors).toHaveLength(1);
    await fairway.close();
  });

  it("the sweep queues a run another worker on the database stored and never queued", async () => {
    const { fairway, clock } = makeFairway("postgres", { sweepMs: 1000 });
    const { store } = fairway;
    fairway.createFunction({ id: "f" }, { event: "go" }, async ({ event }) => `ran ${event.data.n}`);
    await fairway.start();
    const now = clock.now();
    // Stored behind this process's back (e.g. by a process that died right after its transaction).
    await store.acceptEvents({ now, events: [], runs: [{ run: queuedRun("orphan", now) }] });
    await clock.advance(999);
    expect((await store.getRun("orphan"))?.status).toBe("queued");
    await clock.advance(1);
    await expect(fairway.waitForRun("orphan")).resolves.toBe("ran orphan");
    await fairway.close();
  });

  it("the sweep resumes a run whose lease expired while this process was running", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const fairway = new Fairway({ id: "app", store, clock, logger: recordingLogger().logger, sweepMs: 1000 });
    fairway.createFunction({ id: "f" }, { event: "go" }, async ({ step }) => step.run("s", () => "resumed"));
    await fairway.start();
    const now = clock.now();
    await store.acceptEvents({ now, events: [], runs: [{ run: queuedRun("leased", now) }] });
    // A worker on another host claims it after this process started, then vanishes.
    await store.claimRun("leased", "other-host:1:x", now, 5000);
    await clock.advance(4999);
    expect((await store.getRun("leased"))?.leaseOwner).toBe("other-host:1:x");
    await clock.advance(1001);
    await expect(fairway.waitForRun("leased")).resolves.toBe("resumed");
    await fairway.close();
  });
});
