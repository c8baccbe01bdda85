import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Fairway, type FairwayEvent, MemoryStore, SqliteStore } from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { makeFairway, runOf, storeKinds, tempDir } from "./helpers.js";

describe.each(storeKinds)("step.waitForEvent on %s", (kind) => {
  it("matches an event sent after the run was scheduled but before the wait was reached", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "approve" }, { event: "order/created" }, async ({ step }) => {
      await step.sleep("slow", "10m");
      return step.waitForEvent("approval", { event: "order/approved", timeout: "1h", match: "data.orderId" });
    });
    await fairway.send({ name: "order/created", data: { orderId: 7 } });
    await fairway.send({ name: "order/approved", data: { orderId: 8 } });
    await fairway.send({ name: "order/approved", data: { orderId: 7, by: "ann" } });
    const runId = await runOf(fairway, "approve");
    await clock.advance("10m");
    const output = (await fairway.waitForRun(runId)) as FairwayEvent;
    expect(output.data).toEqual({ orderId: 7, by: "ann" });
    await fairway.close();
  });

  it("match resumes only the run whose field equals the event's, for scalar and non-scalar values", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "w" }, { event: "start" }, async ({ step }) => {
      const got = await step.waitForEvent("go", { event: "go", timeout: "1h", match: "data.k" });
      return got?.data.tag;
    });
    const keys = ["a", "b", 1, 2, true, { o: 1 }, [1, 2], null];
    await fairway.send(keys.map((k) => ({ name: "start", data: { k } })));
    const runs = (await fairway.listRuns({ functionId: "w" })).runs;
    const byKey = new Map(runs.map((r) => [JSON.stringify(r.event.data.k), r.id]));
    await clock.advance(0);
    for (const id of byKey.values()) expect((await fairway.getRun(id))?.status).toBe("waiting");
    // "1" (a string) must not resume the run waiting for the number 1, nor 1 the one waiting for "1".
    await fairway.send([
      { name: "go", data: { k: "1", tag: "string-1" } },
      ...keys.map((k) => ({ name: "go", data: { k, tag: JSON.stringify(k) } })),
    ]);
    for (const [key, id] of byKey) await expect(fairway.waitForRun(id)).resolves.toBe(key);
    await fairway.close();
  });

  it("does not match the trigger itself or events received before the run was scheduled", async () => {
    const { fairway, clock } = makeFairway(kind);
    await fairway.send({ name: "ping", data: { early: true } });
    fairway.createFunction({ id: "pong" }, { event: "ping" }, async ({ step }) =>
      step.waitForEvent("next", { event: "ping", timeout: "1m" }),
    );
    await fairway.send({ name: "ping", data: { n: 1 } });
    const runId = await runOf(fairway, "pong");
    await clock.advance("1m");
    await expect(fairway.waitForRun(runId)).resolves.toBeNull();
    await fairway.close();
  });

  it("resolves once with the event that arrives while waiting; later events do nothing", async () => {
    const { fairway, clock } = makeFairway(kind);
    let resumes = 0;
    fairway.createFunction({ id: "w" }, { event: "start" }, async ({ step }) => {
      const got = await step.waitForEvent("go", { event: "go", timeout: "1h", if: "async.data.n > 1" });
      await step.run("count", () => {
        resumes++;
      });
      return got?.data;
    });
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "w");
    await clock.advance(0);
    expect((await fairway.getRun(runId))?.status).toBe("waiting");
    await fairway.send({ name: "go", data: { n: 1 } });
    await clock.advance(0);
    expect((await fairway.getRun(runId))?.status).toBe("waiting");
    await fairway.send([
      { name: "go", data: { n: 2 } },
      { name: "go", data: { n: 3 } },
    ]);
    await expect(fairway.waitForRun(runId)).resolves.toEqual({ n: 2 });
    await fairway.send({ name: "go", data: { n: 4 } });
    await clock.advance("2h");
    expect(resumes).toBe(1);
    const steps = await fairway.getRunSteps(runId);
    expect(steps.map((step) => [step.id, step.status])).toEqual([
      ["go", "completed"],
      ["count", "completed"],
    ]);
    await fairway.close();
  });

  it("times out with null at exactly its timeout", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "t" }, { event: "start" }, async ({ step }) => ({
      got: await step.waitForEvent("never", { event: "never", timeout: 5000 }),
    }));
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "t");
    await clock.advance(4999);
    expect((await fairway.getRun(runId))?.status).toBe("waiting");
    await clock.advance(1);
    await expect(fairway.waitForRun(runId)).resolves.toEqual({ got: null });
    await fairway.close();
  });

  it("two waits in one run never consume the same event", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "two" }, { event: "start" }, async ({ step }) => {
      const [a, b] = await Promise.all([
        step.waitForEvent("a", { event: "tick", timeout: "1h" }),
        step.waitForEvent("b", { event: "tick", timeout: "1h" }),
      ]);
      return [a?.data.n, b?.data.n];
    });
    await fairway.send({ name: "start" });
    await fairway.send({ name: "tick", data: { n: 1 } });
    const runId = await runOf(fairway, "two");
    await clock.advance(0);
    await fairway.send({ name: "tick", data: { n: 2 } });
    // Each wait takes a different event. Which takes which follows the order the parallel waits register
    // in: call order on memory and SQLite, but two concurrent transactions on PostgreSQL (documented in
    // src/store/postgres/ARCHITECTURE.md).
    const taken = (await fairway.waitForRun(runId)) as number[];
    expect(kind === "postgres" ? [...taken].sort() : taken).toEqual([1, 2]);
    await fairway.close();
  });

  it("a run that returns ends at once and drops its other waits (race of two waits)", async () => {
    const { fairway, clock } = makeFairway(kind);
    let afterRace = 0;
    fairway.createFunction({ id: "race" }, { event: "start" }, async ({ step }) => {
      const winner = await Promise.race([
        step.waitForEvent("done", { event: "done", timeout: "1h" }),
        step.waitForEvent("error", { event: "error", timeout: "1h" }),
      ]);
      afterRace++;
      return winner?.name;
    });
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "race");
    await clock.advance(0);
    await fairway.send({ name: "done" });
    await expect(fairway.waitForRun(runId)).resolves.toBe("done");
    await fairway.send({ name: "error" });
    await clock.advance("2h");
    expect(afterRace).toBe(1);
    expect((await fairway.getRun(runId))?.status).toBe("completed");
    await fairway.close();
  });

  it("rejects both if and match with a ConfigError, failing the run without retries", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "bad" }, { event: "start" }, async ({ step }) =>
      step.waitForEvent("x", { event: "x", timeout: "1m", if: "true", match: "data.id" }),
    );
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "bad");
    await expect(fairway.waitForRun(runId)).rejects.toMatchObject({ error: { code: "config_invalid" } });
    expect((await fairway.getRun(runId))?.attempt).toBe(0);
    await fairway.close();
  });
});

describe.each(storeKinds)("waitForEvent durability on %s", (kind) => {
  it("at its timeout a wait still takes an event that was stored before the timeout but never offered to it", async () => {
    const store = kind === "memory" ? new MemoryStore() : new SqliteStore({ path: join(tempDir(), "f.db") });
    const { fairway, clock } = makeFairway(kind, { store });
    fairway.createFunction({ id: "late" }, { event: "start" }, async ({ step }) => {
      const first = await step.waitForEvent("a", { event: "paid", timeout: "1m" });
      const second = await step.waitForEvent("b", { event: "paid", timeout: "1m" });
      return [first?.data.n ?? null, second?.data.n ?? null];
    });
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "late");
    await clock.advance("10s");
    // As if a process stored this event and died before offering it to waits.
    const stored = (at: number, n: number) => ({
      id: `ev-${n}`,
      name: "paid",
      data: { n },
      ts: at,
      receivedAt: at,
    });
    await store.acceptEvents({ now: clock.now(), events: [stored(clock.now(), 1)], runs: [] });
    await clock.advance("50s");
    expect((await fairway.getRun(runId))?.status).toBe("waiting");
    await clock.advance("61s");
    await store.acceptEvents({ now: clock.now(), events: [stored(clock.now(), 2)], runs: [] });
    await clock.advance("1s");
    await expect(fairway.waitForRun(runId)).resolves.toEqual([1, null]);
    expect(await store.listWaits("paid")).toEqual([]);
    await fairway.close();
  });
});

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("an event received after a wait's timeout never resolves the wait", () => {
  it("after a restart past the timeout (SQLite file)", async () => {
    const file = join(tempDir(), "fairway.db");
    const clock = new FakeClock();
    const define = (fairway: Fairway) =>
      fairway.createFunction({ id: "f" }, { event: "e" }, async ({ step }) =>
        step.waitForEvent("w", { event: "x", timeout: "1m" }),
      );
    const first = new Fairway({ id: "t", store: file, clock, logger: silent });
    define(first);
    await first.send({ name: "e" });
    await first.idle();
    const runId = (await first.listRuns({ functionId: "f" })).runs[0]?.id as string;
    expect((await first.getRun(runId))?.status).toBe("waiting");
    await first.close();

    await clock.advance("2m");
    const second = new Fairway({ id: "t", store: file, clock, logger: silent });
    define(second);
    await second.send({ name: "x", data: { late: true } });
    await second.idle();
    const run = await second.getRun(runId);
    expect(run?.status).toBe("completed");
    expect(run?.output).toBeNull();
    await second.close();
  });

  it.each(storeKinds)("while the executor pool is busy (%s)", async (kind) => {
    const { fairway, clock } = makeFairway(kind, { maxConcurrentRuns: 1 });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    fairway.createFunction({ id: "waiter" }, { event: "e" }, async ({ step }) =>
      step.waitForEvent("w", { event: "x", timeout: "1m" }),
    );
    fairway.createFunction({ id: "busy" }, { event: "b" }, async ({ step }) => {
      await step.sleep("s", "30s");
      await step.run("block", () => gate);
      return "busy done";
    });
    await fairway.send({ name: "e" });
    await fairway.send({ name: "b" });
    await fairway.idle();
    await clock.advance("30s"); // busy wakes and blocks the only slot
    await clock.advance("1m"); // the wait times out, its run cannot be claimed yet
    await fairway.send({ name: "x", data: { late: true } });
    release();
    await fairway.idle();
    await clock.advance(1);
    const waiter = (await fairway.listRuns({ functionId: "waiter" })).runs[0];
    expect(waiter?.status).toBe("completed");
    expect(waiter?.output).toBeNull();
    await fairway.close();
  });
});

describe("resume by event on a SQLite file with an fsync per commit (synchronous FULL)", () => {
  it("waits for one fsync, the event's (its wait resolved in the same commit); the claim and the settle number wait for none", async () => {
    const store = new SqliteStore({ path: join(tempDir(), "f.db") });
    const { fairway } = makeFairway("sqlite", { store });
    let fsyncsBefore = 0;
    let fsyncsAtResume: number | undefined;
    fairway.createFunction({ id: "park" }, { event: "start" }, async ({ step }) => {
      const event = await step.waitForEvent("w", { event: "go", match: "data.id", timeout: "1h" });
      fsyncsAtResume = store.commitStats().fsyncs - fsyncsBefore;
      return event?.data.id;
    });
    await fairway.send({ name: "start", data: { id: "a" } });
    const runId = await runOf(fairway, "park");
    await fairway.idle();
    expect((await fairway.getRun(runId))?.status).toBe("waiting");
    fsyncsBefore = store.commitStats().fsyncs;
    await fairway.send([
      { name: "go", data: { id: "b" } },
      { name: "go", data: { id: "a" } },
    ]);
    await expect(fairway.waitForRun(runId)).resolves.toBe("a");
    expect(fsyncsAtResume).toBe(1);
    // The settle number was written (the run's end, a durable write after it, synced it with it).
    expect((await store.getSteps(runId)).map((row) => [row.id, row.status, row.settledSeq])).toEqual([
      ["w", "completed", 0],
    ]);
    await fairway.close();
  });
});
