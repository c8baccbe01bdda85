import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Fairway, MemoryStore, StepError, type Store } from "../../src/index.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { dyingStore, makeFairway, runOf, signal, storeKinds, tempDir } from "./helpers.js";

describe.each(storeKinds)("step.invoke and step.sendEvent on %s", (kind) => {
  it("invokes a child run and gets its result; the parent waits without a slot", async () => {
    const { fairway, clock } = makeFairway(kind, { maxConcurrentRuns: 1 });
    const child = fairway.createFunction(
      { id: "child" },
      { event: "child/never" },
      async ({ event, step }) => {
        await step.sleep("think", "1s");
        return { doubled: (event.data.n as number) * 2, at: new Date(0) };
      },
    );
    fairway.createFunction({ id: "parent" }, { event: "go" }, async ({ step }) => {
      const result = await step.invoke("call", { function: child, data: { n: 21 } });
      return result;
    });
    await fairway.send({ name: "go" });
    const parentId = await runOf(fairway, "parent");
    await clock.advance(0);
    expect((await fairway.getRun(parentId))?.status).toBe("waiting");
    const childRun = (await fairway.listRuns({ functionId: "child" })).runs[0];
    expect(childRun?.parentRunId).toBe(parentId);
    expect(childRun?.event.name).toBe("fairway/function.invoked");
    await clock.advance("1s");
    await expect(fairway.waitForRun(parentId)).resolves.toEqual({ doubled: 42, at: new Date(0) });
    await fairway.close();
  });

  it("a failing child throws a StepError into the parent", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "bad-child", retries: 0 }, { event: "x" }, async () => {
      throw new Error("child broke");
    });
    fairway.createFunction({ id: "parent" }, { event: "go" }, async ({ step }) => {
      try {
        await step.invoke("call", { function: "bad-child" });
        return "no error";
      } catch (error) {
        return { isStepError: error instanceof StepError, message: (error as Error).message };
      }
    });
    await fairway.send({ name: "go" });
    await expect(fairway.waitForRun(await runOf(fairway, "parent"))).resolves.toEqual({
      isStepError: true,
      message: 'Step "call" failed: child broke',
    });
    await fairway.close();
  });

  it("an invoke timeout fails the step with a TimeoutError", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "slow" }, { event: "x" }, async ({ step }) => {
      await step.sleep("long", "1h");
      return "late";
    });
    fairway.createFunction({ id: "parent" }, { event: "go" }, async ({ step }) => {
      try {
        return await step.invoke("call", { function: "slow", timeout: "1m" });
      } catch (error) {
        return (error as StepError).error.code;
      }
    });
    await fairway.send({ name: "go" });
    const parentId = await runOf(fairway, "parent");
    await clock.advance("1m");
    await expect(fairway.waitForRun(parentId)).resolves.toBe("timeout");
    await clock.advance("1h");
    expect((await fairway.getRun(parentId))?.status).toBe("completed");
    await fairway.close();
  });

  it("a cancelled child fails the parent's invoke step with a RunCancelledError cause", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "sleepy" }, { event: "x" }, async ({ step }) => step.sleep("long", "1h"));
    fairway.createFunction({ id: "parent" }, { event: "go" }, async ({ step }) => {
      try {
        return await step.invoke("call", { function: "sleepy" });
      } catch (error) {
        return (error as StepError).error.code;
      }
    });
    await fairway.send({ name: "go" });
    await clock.advance(0);
    const child = (await fairway.listRuns({ functionId: "sleepy" })).runs[0]?.id as string;
    await fairway.cancelRun(child, "stop");
    await expect(fairway.waitForRun(await runOf(fairway, "parent"))).resolves.toBe("run_cancelled");
    await fairway.close();
  });

  it("invoking an unknown function fails the run with NotFoundError", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "parent" }, { event: "go" }, async ({ step }) =>
      step.invoke("call", { function: "missing" }),
    );
    await fairway.send({ name: "go" });
    await expect(fairway.waitForRun(await runOf(fairway, "parent"))).rejects.toMatchObject({
      error: { code: "not_found" },
    });
    await fairway.close();
  });

  it("sendEvent sends once across replays and triggers functions", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "sender" }, { event: "go" }, async ({ step }) => {
      const sent = await step.sendEvent("notify", [{ name: "notified", data: { n: 1 } }]);
      await step.sleep("pause", "1s");
      return sent.ids.length;
    });
    fairway.createFunction({ id: "receiver" }, { event: "notified" }, async ({ event }) => event.data.n);
    await fairway.send({ name: "go" });
    await clock.advance("1s");
    await expect(fairway.waitForRun(await runOf(fairway, "sender"))).resolves.toBe(1);
    const { runs } = await fairway.listRuns({ functionId: "receiver" });
    expect(runs).toHaveLength(1);
    await expect(fairway.waitForRun(runs[0]?.id as string)).resolves.toBe(1);
    await fairway.close();
  });
});

describe.each(storeKinds)("step inputs in the timeline on %s", (kind) => {
  it("records what waitForEvent, invoke and sendEvent were given", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "child" }, { event: "never" }, async () => "c");
    fairway.createFunction({ id: "p" }, { event: "go" }, async ({ step }) => {
      await step.waitForEvent("w", { event: "x", timeout: 1000, match: "data.id" });
      await step.invoke("i", { function: "child", data: { a: 1 }, timeout: 5000 });
      await step.sendEvent("s", { name: "y", data: {} });
    });
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "p");
    await clock.advance(1000);
    await fairway.waitForRun(runId);
    const steps = await fairway.getRunSteps(runId);
    expect(steps.map((step) => step.input)).toEqual([
      { event: "x", if: "event.data.id == async.data.id", timeoutMs: 1000 },
      { function: "child", data: { a: 1 }, timeoutMs: 5000 },
      { name: "y", data: {} },
    ]);
    await fairway.close();
  });
});

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** `store` in a process that "dies" right after an invoked run's end commits: the call never returns. */
function dyingAfterChildFinish(store: Store) {
  return dyingStore(
    store,
    ["finishRun", "cancelRun"],
    (_args, run) => (run as { parent?: unknown } | undefined)?.parent !== undefined,
  );
}

function define(fairway: Fairway, childBody: () => Promise<string>) {
  const child = fairway.createFunction({ id: "child" }, { event: "child" }, childBody);
  fairway.createFunction({ id: "parent" }, { event: "parent" }, async ({ step }) => {
    try {
      return { result: await step.invoke("call", { function: child }) };
    } catch (error) {
      return { failed: (error as Error).message };
    }
  });
}

type Act = (fairway: Fairway) => Promise<void>;

async function scenario(kind: (typeof storeKinds)[number], outcome: string, act: Act, expected: unknown) {
  // Memory: the same store object outlives the "process"; SQLite: the file does.
  const file = join(tempDir(), "fairway.db");
  const shared = kind === "memory" ? new MemoryStore() : new SqliteStore({ path: file });
  let releaseChild: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    releaseChild = resolve;
  });
  const started = signal();
  const dying = dyingAfterChildFinish(shared);
  const first = new Fairway({ id: "app", store: dying.store, clock: new FakeClock(), logger: silent });
  define(first, async () => {
    started.resolve();
    if (outcome === "cancelled") await gate;
    return "child done";
  });
  await first.send({ name: "parent" });
  await started.promise;
  void act(first); // a cancelRun whose store call never returns (the process died)
  // The child's code returns only after the cancel is stored (or, when it is not cancelled, on its own).
  if (outcome === "cancelled") await dying.died;
  releaseChild();
  await dying.died;
  const child = (await first.listRuns({ functionId: "child" })).runs[0];
  expect(child?.status).toBe(outcome);
  // The first process is gone (its finishRun/cancelRun never returned); a new one starts on the same store.
  const store = kind === "memory" ? shared : file;
  const second = new Fairway({ id: "app", store, clock: new FakeClock(), logger: silent });
  define(second, async () => "child done");
  await second.start();
  await second.idle();
  const parent = (await second.listRuns({ functionId: "parent" })).runs[0];
  expect(parent?.status).toBe("completed");
  expect(parent?.output).toEqual(expected);
  await second.close();
}

describe("an invoked run's end reaches its parent even if the process dies right after the child ends", () => {
  it.each(storeKinds)("child completed (%s)", async (kind) => {
    await scenario(kind, "completed", async () => {}, { result: "child done" });
  });

  it.each(storeKinds)("child cancelled (%s)", async (kind) => {
    const cancel: Act = async (fairway) => {
      const child = (await fairway.listRuns({ functionId: "child" })).runs[0];
      await fairway.cancelRun(child?.id as string, "stop");
    };
    await scenario(kind, "cancelled", cancel, { failed: expect.stringContaining("cancelled") });
  });
});
