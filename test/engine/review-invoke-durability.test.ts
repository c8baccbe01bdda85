import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Fairway, MemoryStore, type Store } from "../../src/index.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { storeKinds, tempDir } from "./helpers.js";
import { settle } from "./review-helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A store whose process "dies" right after `finishRun` of an invoked run commits: the call never returns. */
function dyingAfterChildFinish(store: Store): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== "finishRun" && key !== "cancelRun")
        return typeof value === "function" ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const run = await (value as (...a: unknown[]) => Promise<{ parent?: unknown } | undefined>).apply(
          target,
          args,
        );
        return run?.parent ? new Promise(() => {}) : run;
      };
    },
  });
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
  const clock = new FakeClock();
  const first = new Fairway({ id: "app", store: dyingAfterChildFinish(shared), clock, logger: silent });
  define(first, async () => {
    if (outcome === "cancelled") await gate;
    return "child done";
  });
  await first.send({ name: "parent" });
  await settle();
  void act(first); // a cancelRun whose store call never returns (the process died)
  releaseChild();
  await settle();
  const child = (await first.listRuns({ functionId: "child" })).runs[0];
  expect(child?.status).toBe(outcome);
  // The first process is gone (its finishRun/cancelRun never returned); a new one starts on the same store.
  const store = kind === "memory" ? shared : file;
  const second = new Fairway({ id: "app", store, clock: new FakeClock(), logger: silent });
  define(second, async () => "child done");
  await second.start();
  await settle();
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
