import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Fairway, type HandlerContext, type StepError } from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { makeFairway, storeKinds, tempDir } from "../engine/helpers.js";
import { gatedHandler, statuses } from "./engine-helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A parent of `child` that invokes it with `data` (`event.data` by default) and returns the outcome or the error. */
function defineParent(fairway: Fairway, calls = 1, data?: Record<string, unknown>) {
  fairway.createFunction({ id: "parent" }, { event: "go" }, async ({ event, step }: HandlerContext) => {
    const out: unknown[] = [];
    for (let i = 0; i < calls; i++) {
      try {
        out.push(await step.invoke(`call-${i}`, { function: "child", data: data ?? event.data }));
      } catch (error) {
        out.push({ message: (error as Error).message, code: (error as StepError).error?.code });
      }
    }
    return out;
  });
}

async function parentRuns(fairway: Fairway): Promise<string[]> {
  const { runs } = await fairway.listRuns({ functionId: "parent" });
  return runs.reverse().map((run) => run.id);
}

describe.each(storeKinds)("step.invoke goes through the child's flow control (%s store)", (kind) => {
  it("singleton skip: the second parent's invoke fails at once with a StepError naming the child and the reason", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction(
      { id: "child", singleton: { key: "event.data.user", mode: "skip" } },
      { event: "child/never" },
      async ({ step }) => {
        await step.sleep("busy", "1h");
        return "done";
      },
    );
    defineParent(fairway);
    await fairway.send({ name: "go", data: { user: "u" } });
    await clock.advance(0);
    await fairway.send({ name: "go", data: { user: "u" } });
    await clock.advance(0);
    const [first, second] = await parentRuns(fairway);
    const result = await fairway.waitForRun(second as string);
    expect(result).toEqual([
      {
        code: "run_skipped",
        message: expect.stringMatching(
          /^Step "call-0" failed: Run \w+ of function "child" was skipped: singleton: run \w+ is active for key "u"$/,
        ),
      },
    ]);
    expect(await statuses(fairway, "child")).toEqual(["sleeping", "skipped"]);
    const skipped = (await fairway.listRuns({ functionId: "child", status: "skipped" })).runs[0];
    expect(skipped).toMatchObject({ parentRunId: second, skipReason: expect.stringMatching(/^singleton:/) });
    expect((await fairway.getRun(first as string))?.status).toBe("waiting");
    await clock.advance("1h");
    await expect(fairway.waitForRun(first as string)).resolves.toEqual(["done"]);
    await fairway.close();
  });

  it("singleton cancel: the new invoked run replaces the active one, whose parent gets the cancellation", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction(
      { id: "child", singleton: { mode: "cancel" } },
      { event: "child/never" },
      async ({ step, event }) => {
        await step.sleep("busy", "1m");
        return event.data.n;
      },
    );
    defineParent(fairway);
    await fairway.send({ name: "go", data: { n: 1 } });
    await clock.advance(0);
    await fairway.send({ name: "go", data: { n: 2 } });
    await clock.advance(0);
    const [first, second] = await parentRuns(fairway);
    await expect(fairway.waitForRun(first as string)).resolves.toEqual([
      { code: "run_cancelled", message: expect.stringMatching(/singleton: replaced by run/) },
    ]);
    await clock.advance("1m");
    await expect(fairway.waitForRun(second as string)).resolves.toEqual([2]);
    await fairway.close();
  });

  it("rate limit 1: the second invoke fails with the rate-limit reason; the handler catches it", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction(
      { id: "child", rateLimit: { limit: 1, period: "1h" } },
      { event: "child/never" },
      async () => "ran",
    );
    defineParent(fairway, 2, {});
    await fairway.send({ name: "go" });
    await clock.advance(0);
    const [parent] = await parentRuns(fairway);
    await expect(fairway.waitForRun(parent as string)).resolves.toEqual([
      "ran",
      {
        code: "run_skipped",
        message: expect.stringContaining(
          'of function "child" was skipped: rateLimit: 1 runs per 3600000 ms reached for key ""',
        ),
      },
    ]);
    expect(await statuses(fairway, "child")).toEqual(["completed", "skipped"]);
    await fairway.close();
  });

  it("idempotency: an invoke with a key already used in 24 h fails with the idempotency reason", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction(
      { id: "child", idempotency: "event.data.order" },
      { event: "child/never" },
      async ({ event }) => event.data.order,
    );
    defineParent(fairway, 2, { order: "o1" });
    await fairway.send({ name: "go" });
    await clock.advance(0);
    const [parent] = await parentRuns(fairway);
    await expect(fairway.waitForRun(parent as string)).resolves.toEqual([
      "o1",
      { code: "run_skipped", message: expect.stringContaining('idempotency: a run with key "o1"') },
    ]);
    await fairway.close();
  });

  it("concurrency keys and throttle are evaluated on the child's event (flowState shows its keys)", async () => {
    const { fairway, clock } = makeFairway(kind);
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "child", concurrency: { limit: 1, key: "event.data.user" } },
      { event: "child/never" },
      gate.handler,
    );
    defineParent(fairway);
    await fairway.send(["a", "a", "b"].map((user) => ({ name: "go", data: { user } })));
    await clock.advance(0);
    // Keys in the order their first child arrived, which on PostgreSQL (the parents' invokes stored
    // concurrently) need not be the order the events were sent in.
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(fairway.flowState("child").sort(byKey)).toEqual([
      { functionId: "child", key: "a", queued: 1, running: 1, throttled: 0 },
      { functionId: "child", key: "b", queued: 0, running: 1, throttled: 0 },
    ]);
    expect((await fairway.listRuns({ functionId: "child", concurrencyKey: "a" })).runs).toHaveLength(2);
    await gate.drain(() => clock.advance(0));
    for (const id of await parentRuns(fairway)) await fairway.waitForRun(id);
    expect(gate.peakOf("a")).toBe(1);

    fairway.createFunction(
      { id: "throttled", throttle: { limit: 1, period: "1m", key: "event.data.user" } },
      { event: "child/never" },
      async ({ event }) => event.data.user,
    );
    fairway.createFunction({ id: "tparent" }, { event: "tgo" }, async ({ event, step }) =>
      step.invoke("call", { function: "throttled", data: event.data }),
    );
    await fairway.send(["x", "x", "y"].map((user) => ({ name: "tgo", data: { user } })));
    await clock.advance(0);
    expect(fairway.flowState("throttled")).toEqual([
      { functionId: "throttled", key: "x", queued: 1, running: 0, throttled: 1 },
    ]);
    // One x child waits for the throttle; which one depends on which parent's invoke was stored first,
    // which on PostgreSQL (concurrent transactions) need not be the order the children's ids were made in.
    expect((await statuses(fairway, "throttled")).sort()).toEqual(["completed", "completed", "queued"]);
    await clock.advance("1m");
    expect(await statuses(fairway, "throttled")).toEqual(["completed", "completed", "completed"]);
    await fairway.close();
  });

  it("debounce and batchEvents do not delay an invoked run: it runs at once with its own event", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction(
      { id: "child", debounce: { period: "10s" } },
      { event: "child/e" },
      async ({ event }) => ({ n: event.data.n }),
    );
    fairway.createFunction(
      { id: "batched", batchEvents: { maxSize: 5, timeout: "5s" } },
      { event: "batched/e" },
      async ({ events }) => events.length,
    );
    fairway.createFunction({ id: "parent" }, { event: "go" }, async ({ step }) => [
      await step.invoke("debounced", { function: "child", data: { n: 7 } }),
      await step.invoke("batched", { function: "batched" }),
    ]);
    await fairway.send({ name: "go" });
    await clock.advance(0);
    const [parent] = await parentRuns(fairway);
    await expect(fairway.waitForRun(parent as string)).resolves.toEqual([{ n: 7 }, 1]);
    await fairway.close();
  });

  it("eventSeq: the child's waitForEvent sees an event sent after it was scheduled, not one sent before", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "child" }, { event: "child/never" }, async ({ step }) => {
      await step.sleep("first", "1s");
      const ping = await step.waitForEvent("ping", { event: "ping", timeout: "1h" });
      return ping?.data.n ?? null;
    });
    fairway.createFunction(
      { id: "watcher", cancelOn: [{ event: "stop" }] },
      { event: "child/never" },
      async ({ step }) => step.sleep("long", "1h"),
    );
    fairway.createFunction({ id: "parent" }, { event: "go" }, async ({ step }) =>
      Promise.all([
        step.invoke("call", { function: "child" }),
        step.invoke("watch", { function: "watcher" }).catch((error: StepError) => error.error.code),
      ]),
    );
    await fairway.send({ name: "ping", data: { n: 0 } });
    await fairway.send({ name: "stop" });
    await fairway.send({ name: "go" });
    await clock.advance(0);
    const childRun = (await fairway.listRuns({ functionId: "child" })).runs[0];
    expect(childRun?.status).toBe("sleeping");
    expect((await fairway.listRuns({ functionId: "watcher" })).runs[0]?.status).toBe("sleeping");
    await fairway.send({ name: "ping", data: { n: 1 } });
    await fairway.send({ name: "stop" });
    await clock.advance("1s");
    const [parent] = await parentRuns(fairway);
    await expect(fairway.waitForRun(parent as string)).resolves.toEqual([1, "run_cancelled"]);
    await fairway.close();
  });
});

describe("step.invoke flow control across a restart (sqlite)", () => {
  it("an invoked run counts in the rebuilt rate-limit window and holds its singleton key after a restart", async () => {
    const file = join(tempDir(), "fairway.db");
    const define = (fairway: Fairway) => {
      fairway.createFunction(
        { id: "child", rateLimit: { limit: 1, period: "1h", key: "event.data.user" } },
        { event: "child/never" },
        async () => "ran",
      );
      fairway.createFunction(
        { id: "holder", singleton: { mode: "skip" } },
        { event: "child/never" },
        async ({ step }) => step.sleep("busy", "1h"),
      );
      fairway.createFunction({ id: "parent" }, { event: "go" }, async ({ event, step }) => {
        try {
          return await step.invoke("call", { function: String(event.data.target), data: { user: "u" } });
        } catch (error) {
          return (error as StepError).error.message;
        }
      });
    };
    const clockA = new FakeClock();
    const first = new Fairway({ id: "app", store: file, clock: clockA, logger: silent });
    define(first);
    await first.send([
      { name: "go", data: { target: "child" } },
      { name: "go", data: { target: "holder" } },
    ]);
    await clockA.advance(0);
    expect(await statuses(first, "child")).toEqual(["completed"]);
    await first.close();

    const clockB = new FakeClock(clockA.now() + 60_000);
    const second = new Fairway({ id: "app", store: file, clock: clockB, logger: silent });
    define(second);
    await second.send([
      { name: "go", data: { target: "child" } },
      { name: "go", data: { target: "holder" } },
    ]);
    await clockB.advance(0);
    const { runs } = await second.listRuns({ functionId: "parent" });
    const outputs = await Promise.all(runs.slice(0, 2).map((run) => second.waitForRun(run.id)));
    expect(outputs.sort()).toEqual([
      expect.stringMatching(/of function "child" was skipped: rateLimit: 1 runs per 3600000 ms reached/),
      expect.stringMatching(/of function "holder" was skipped: singleton: run \w+ is active/),
    ]);
    await second.close();
  });
});
