import { describe, expect, it } from "vitest";
import { Fairway, NonRetriableError } from "../../src/index.js";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { makeFairway, runOf, storeKinds } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A step body that finishes when the test says so: `body(value)` resolves with `value` after `resolve()`. */
function deferred(): { body: <T>(value: T) => () => Promise<T>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { body: (value) => () => promise.then(() => value), resolve };
}

describe.each(storeKinds)("first-settled patterns replay in settle order on %s", (kind) => {
  it("Promise.race of a sleep and a wait keeps the wait's win past a later sleep (a replay)", async () => {
    const { fairway, clock } = makeFairway(kind);
    const seen: string[] = [];
    fairway.createFunction({ id: "approval" }, { event: "doc/submitted" }, async ({ step }) => {
      const approval = await Promise.race([
        step.sleep("timeout", "10m").then(() => "timeout" as const),
        step
          .waitForEvent("approval", { event: "doc/approved", timeout: "1h" })
          .then((event) => (event ? "approved" : "no-reply")),
      ]);
      const branch = approval === "timeout" ? "timed-out" : approval;
      seen.push(branch);
      if (branch === "approved") await step.run("publish", () => "published");
      else await step.run("escalate", () => "escalated");
      await step.sleep("cool-down", "1h");
      await step.sleep("archive", "1h");
      return branch;
    });
    await fairway.send({ name: "doc/submitted" });
    const runId = await runOf(fairway, "approval");
    await clock.advance(0);
    await clock.advance("1m");
    await fairway.send({ name: "doc/approved" });
    await clock.advance("1h");
    await clock.advance("1h");
    await expect(fairway.waitForRun(runId)).resolves.toBe("approved");
    // The replays after the wait, the cool-down (where the race's sleep fires) and the archive sleep agree.
    expect(seen).toEqual(["approved", "approved", "approved", "approved"]);
    const steps = (await fairway.getRunSteps(runId)).map((step) => step.id);
    expect(steps).toContain("publish");
    expect(steps).not.toContain("escalate");
    await fairway.close();
  });

  it("without a branch the race's value stays the first one to settle after a replay", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "plain" }, { event: "start" }, async ({ step }) => {
      const first = await Promise.race([
        step.sleep("timeout", "10m").then(() => "timeout"),
        step.waitForEvent("reply", { event: "reply", timeout: "1h" }).then((event) => event?.data.text),
      ]);
      await step.sleep("later", "30m");
      return first;
    });
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "plain");
    await clock.advance("1m");
    await fairway.send({ name: "reply", data: { text: "hi" } });
    await clock.advance("2h");
    await expect(fairway.waitForRun(runId)).resolves.toBe("hi");
    await fairway.close();
  });

  it("a timeout that fired first keeps winning when the event arrives later", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "late" }, { event: "start" }, async ({ step }) => {
      const first = await Promise.race([
        step.waitForEvent("reply", { event: "reply", timeout: "1h" }).then(() => "reply"),
        step.sleep("timeout", "10m").then(() => "timeout"),
      ]);
      await step.sleep("later", "2h");
      return first;
    });
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "late");
    await clock.advance("11m");
    await fairway.send({ name: "reply" });
    await clock.advance("3h");
    await expect(fairway.waitForRun(runId)).resolves.toBe("timeout");
    await fairway.close();
  });

  it("Promise.race of two step.runs keeps the faster one, though it was called second", async () => {
    const { fairway, clock } = makeFairway(kind);
    const slow = deferred();
    const seen: string[] = [];
    fairway.createFunction({ id: "runs" }, { event: "start" }, async ({ step }) => {
      const winner = await Promise.race([
        step.run("slow", slow.body("slow")),
        step.run("fast", () => "fast"),
      ]);
      seen.push(winner);
      await step.sleep("later", "1m");
      return winner;
    });
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "runs");
    await clock.advance(0);
    await expect.poll(() => seen.length).toBe(1);
    slow.resolve();
    await clock.advance("2m");
    await expect(fairway.waitForRun(runId)).resolves.toBe("fast");
    expect(seen).toEqual(["fast", "fast"]);
    await fairway.close();
  });

  it("a step that failed first rejects the race again on replay; Promise.any keeps the first success", async () => {
    const { fairway, clock } = makeFairway(kind);
    const slow = deferred();
    fairway.createFunction({ id: "fail-first", retries: 0 }, { event: "start" }, async ({ step }) => {
      const raced = await Promise.race([
        step.run("slow-ok", slow.body("ok")),
        step.run("fast-fail", () => {
          throw new NonRetriableError("no");
        }),
      ]).catch(() => "rejected");
      const any = await Promise.any([
        step.run("bad", () => {
          throw new NonRetriableError("bad");
        }),
        step.sleep("short", "1m").then(() => "slept"),
        step.run("good", () => "good"),
      ]);
      await step.sleep("later", "1h");
      return [raced, any];
    });
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "fail-first");
    await clock.advance(0);
    slow.resolve();
    await clock.advance("2h");
    await expect(fairway.waitForRun(runId)).resolves.toEqual(["rejected", "good"]);
    await fairway.close();
  });

  it("Promise.race of an invoke and a sleep keeps the child's result when the child ended first", async () => {
    const { fairway, clock } = makeFairway(kind);
    const child = fairway.createFunction({ id: "child" }, { event: "child" }, async ({ step }) => {
      await step.sleep("work", "2m");
      return "child-done";
    });
    fairway.createFunction({ id: "parent" }, { event: "start" }, async ({ step }) => {
      const first = await Promise.race([
        step.sleep("deadline", "5m").then(() => "deadline"),
        step.invoke("call", { function: child, data: {} }),
      ]);
      await step.sleep("later", "1h");
      return first;
    });
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "parent");
    await clock.advance(0);
    await clock.advance("3m");
    await clock.advance("2h");
    await expect(fairway.waitForRun(runId)).resolves.toBe("child-done");
    await fairway.close();
  });

  it("branches that each run steps in sequence replay without a false non-determinism", async () => {
    const { fairway, clock } = makeFairway(kind);
    const slow = deferred();
    fairway.createFunction({ id: "branches" }, { event: "start" }, async ({ step }) => {
      const [a, b] = await Promise.all([
        (async () => {
          const one = await step.run("a1", slow.body("a1"));
          return [one, await step.run("a2", () => "a2")];
        })(),
        (async () => {
          const one = await step.run("b1", () => "b1");
          return [one, await step.run("b2", () => "b2")];
        })(),
      ]);
      await step.sleep("later", "1m");
      return [...a, ...b];
    });
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "branches");
    await clock.advance(0);
    const b2 = async () => (await fairway.getRunSteps(runId)).find((row) => row.id === "b2")?.status;
    await expect.poll(b2).toBe("completed");
    slow.resolve();
    await clock.advance("2m");
    await expect(fairway.waitForRun(runId)).resolves.toEqual(["a1", "a2", "b1", "b2"]);
    await fairway.close();
  });
});

describe("an execution does not suspend while one of its writes is in flight", () => {
  it("a wait registered slowly while its sibling sleep suspends is registered before the lease goes", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const calls: string[] = [];
    // A slow database: the wait's registration takes a few event-loop turns (as a PostgreSQL round trip does),
    // longer than the turn after which the sleep's branch asks the execution to suspend.
    const registerWait = store.registerWait.bind(store);
    store.registerWait = async (input) => {
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      const result = await registerWait(input);
      calls.push(`registerWait ${result.held ? "held" : "refused"}`);
      return result;
    };
    const suspendRun = store.suspendRun.bind(store);
    store.suspendRun = (input) => {
      calls.push("suspendRun");
      return suspendRun(input);
    };
    const fairway = new Fairway({ id: "app", store, clock, logger: silent });
    fairway.createFunction({ id: "plain" }, { event: "start" }, async ({ step }) =>
      Promise.race([
        step.sleep("timeout", "10m").then(() => "timeout"),
        step.waitForEvent("reply", { event: "reply", timeout: "1h" }).then((event) => event?.data.text),
      ]),
    );
    await fairway.send({ name: "start" });
    const runId = await runOf(fairway, "plain");
    await fairway.idle();
    expect(calls).toEqual(["registerWait held", "suspendRun"]);
    await clock.advance("1m");
    await fairway.send({ name: "reply", data: { text: "hi" } });
    await expect(fairway.waitForRun(runId)).resolves.toBe("hi");
    await fairway.close();
  });
});
