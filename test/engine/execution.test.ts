import { describe, expect, it } from "vitest";
import { currentExecution, Fairway } from "../../src/index.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { makeFairway, runOf, storeKinds, tempDir } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe.each(storeKinds)("execution on %s", (kind) => {
  it("the handler runs inside runInExecution: currentExecution() finds the run and its step tools", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "ctx" }, { event: "go" }, async ({ runId }) => {
      const context = currentExecution();
      const viaContext = await context?.step.run("from-context", () => "ok");
      return {
        same: context?.runId === runId,
        functionId: context?.functionId,
        viaContext,
        attempt: context?.attempt,
      };
    });
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "ctx");
    await expect(fairway.waitForRun(runId)).resolves.toEqual({
      same: true,
      functionId: "ctx",
      viaContext: "ok",
      attempt: 0,
    });
    expect(currentExecution()).toBeUndefined();
    await fairway.close();
  });

  it("never executes more than maxConcurrentRuns handlers at once; sleeping runs hold no slot", async () => {
    const { fairway, clock } = makeFairway(kind, { maxConcurrentRuns: 2 });
    let executing = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    fairway.createFunction({ id: "pool" }, { event: "go" }, async ({ step }) => {
      await step.sleep("first", "1s");
      await step.run("work", async () => {
        executing++;
        peak = Math.max(peak, executing);
        await new Promise<void>((resolve) => gates.push(resolve));
        executing--;
      });
    });
    await fairway.send(Array.from({ length: 6 }, () => ({ name: "go" })));
    await clock.advance(0);
    expect((await fairway.listRuns({ status: "sleeping" })).runs).toHaveLength(6);
    await clock.advance("1s");
    while ((await fairway.listRuns({ status: "completed" })).runs.length < 6) {
      expect(executing).toBeLessThanOrEqual(2);
      await fairway.idle();
      gates.shift()?.();
    }
    expect(peak).toBe(2);
    await fairway.close();
  });

  it("close() lets the executing step finish and suspends the run at its next step; a restart completes it", async () => {
    const clock = new FakeClock();
    const path = `${tempDir()}/fairway.db`;
    const store = kind === "memory" ? "memory" : path;
    const first = new Fairway({ id: "c", store, clock, logger: silent });
    let release: () => void = () => {};
    let started: () => void = () => {};
    const inStep = new Promise<void>((resolve) => (started = resolve));
    const ran: string[] = [];
    const define = (fairway: Fairway) =>
      fairway.createFunction({ id: "long" }, { event: "go" }, async ({ step }) => {
        await step.run("a", async () => {
          ran.push("a");
          if (ran.length === 1) {
            started();
            await new Promise<void>((resolve) => (release = resolve));
          }
        });
        await step.run("b", () => ran.push("b"));
        return "done";
      });
    define(first);
    await first.send({ name: "go" });
    const runId = await runOf(first, "long");
    await inStep;
    const closing = first.close();
    release();
    await closing;
    expect(ran).toEqual(["a"]);
    if (kind === "memory") return;
    const second = new Fairway({ id: "c", store: path, clock, logger: silent });
    define(second);
    await second.start();
    await expect(second.waitForRun(runId)).resolves.toBe("done");
    expect(ran).toEqual(["a", "b"]);
    await second.close();
  });
});

describe("recovery from another process's lease (SQLite)", () => {
  it("a run leased by a live owner is resumed once the lease expires", async () => {
    const clock = new FakeClock();
    const path = `${tempDir()}/fairway.db`;
    const fairway = new Fairway({ id: "r", store: path, clock, logger: silent, leaseMs: 10_000 });
    fairway.createFunction({ id: "f" }, { event: "go" }, async ({ step }) => step.run("s", () => "resumed"));
    // Another (live, remote) worker accepted and claimed the run, then vanished.
    const other = new SqliteStore({ path });
    await other.init();
    const now = clock.now();
    const event = { id: "01HZZZZZZZZZZZZZZZZZZZZZZZ", name: "go", data: {}, ts: now, receivedAt: now };
    const run = {
      id: "run-1",
      functionId: "f",
      status: "queued" as const,
      eventIds: [event.id],
      events: [{ name: "go", data: {}, id: event.id, ts: now }],
      attempt: 0,
      createdAt: now,
      readyAt: now,
      eventSeq: 0,
      backlogKey: "f\u0000",
    };
    await other.acceptEvents({ now, events: [event], runs: [{ run, eventIndex: 0 }] });
    await other.claimRun("run-1", "remote-host:1:x", now, 10_000);
    await other.close();
    await fairway.start();
    await clock.advance(9_999);
    expect((await fairway.getRun("run-1"))?.status).toBe("running");
    await clock.advance(1);
    await expect(fairway.waitForRun("run-1")).resolves.toBe("resumed");
    await fairway.close();
  });
});
