/**
 * A run that fails for good stores its `fairway/function.failed` event and the `onFailure` run in the same
 * store transaction as the failure (`FinishInput.send`), so a process dying right after the failure is
 * recorded never loses the `onFailure` run.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_EVENT_BYTES } from "../../src/engine/event-validation.js";
import {
  Fairway,
  FUNCTION_FAILED_EVENT,
  type HandlerContext,
  MemoryStore,
  NonRetriableError,
  type Store,
} from "../../src/index.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { dyingStore, makeFairway, storeKinds, tempDir } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** `store` in a process that "dies" right after a failing `finishRun` commits: the call never returns. */
function dyingAfterFailure(store: Store) {
  return dyingStore(
    store,
    ["finishRun"],
    ([input]) => (input as Parameters<Store["finishRun"]>[0]).status === "failed",
  );
}

function define(fairway: Fairway, calls: string[]) {
  fairway.createFunction(
    { id: "f", onFailure: ({ event }) => void calls.push(event.data.run_id as string) },
    { event: "go" },
    async () => {
      throw new NonRetriableError("broken");
    },
  );
}

describe("onFailure survives a process that dies right after the failure is recorded", () => {
  it.each(storeKinds)(
    "the failure run is stored with the failure and runs after a restart (%s)",
    async (kind) => {
      // Memory: the same store object outlives the "process"; SQLite: the file does.
      const file = join(tempDir(), "fairway.db");
      const shared = kind === "memory" ? new MemoryStore() : new SqliteStore({ path: file });
      const calls: string[] = [];
      const dying = dyingAfterFailure(shared);
      const first = new Fairway({
        id: "app",
        store: dying.store,
        clock: new FakeClock(),
        logger: silent,
      });
      define(first, calls);
      await first.send({ name: "go" });
      await dying.died;
      const failed = (await first.listRuns({ functionId: "f" })).runs[0];
      expect(failed?.status).toBe("failed");
      // Its finishRun never returned, yet the onFailure run is already in the store.
      expect((await first.listRuns({ functionId: "f-failure" })).runs.map((run) => run.status)).toEqual([
        "queued",
      ]);
      expect(calls).toEqual([]);

      const second = new Fairway({
        id: "app",
        store: kind === "memory" ? shared : file,
        clock: new FakeClock(),
        logger: silent,
      });
      define(second, calls);
      await second.start();
      await second.idle();
      const failure = (await second.listRuns({ functionId: "f-failure" })).runs;
      expect(failure.map((run) => run.status)).toEqual(["completed"]);
      expect(failure[0]?.event.name).toBe(FUNCTION_FAILED_EVENT);
      expect(calls).toEqual([failed?.id]);
      await second.close();
    },
  );
});

describe.each(storeKinds)("the failure event (%s)", (kind) => {
  it("is written by finishRun itself, not by a later acceptEvents", async () => {
    const { fairway } = makeFairway(kind);
    const calls: string[] = [];
    define(fairway, calls);
    await fairway.start();
    const accepts: string[][] = [];
    const store = fairway.store;
    const accept = store.acceptEvents.bind(store);
    store.acceptEvents = async (input) => {
      accepts.push(input.events.map((event) => event.name));
      return accept(input);
    };
    await fairway.send({ name: "go" });
    await fairway.idle();
    expect(accepts).toEqual([["go"]]);
    expect(calls).toHaveLength(1);
    expect((await fairway.listRuns({ functionId: "f-failure" })).runs[0]?.status).toBe("completed");
    await fairway.close();
  });

  it("reaches a run waiting for it and other functions it triggers", async () => {
    const { fairway } = makeFairway(kind);
    const calls: string[] = [];
    define(fairway, calls);
    const watcher = fairway.createFunction({ id: "watch" }, { event: "watch" }, async ({ step }) =>
      step.waitForEvent("failed", { event: FUNCTION_FAILED_EVENT, timeout: "1h" }),
    );
    const audits: unknown[] = [];
    fairway.createFunction({ id: "audit" }, { event: FUNCTION_FAILED_EVENT }, async ({ event }) => {
      audits.push(event.data.function_id);
    });
    await fairway.send({ name: "watch" });
    await fairway.idle();
    await fairway.send({ name: "go" });
    await fairway.idle();
    const failed = (await fairway.listRuns({ functionId: "f" })).runs[0];
    const watch = (await fairway.listRuns({ functionId: watcher.id })).runs[0];
    expect(watch?.status).toBe("completed");
    expect(watch?.output).toMatchObject({ name: FUNCTION_FAILED_EVENT, data: { run_id: failed?.id } });
    expect(audits).toEqual(["f"]);
    expect(calls).toEqual([failed?.id]);
    await fairway.close();
  });

  it("is not stored when the run was cancelled before its failure was written", async () => {
    const { fairway } = makeFairway(kind);
    const calls: string[] = [];
    let fail: () => void = () => {};
    const failing = new Promise<void>((resolve) => {
      fail = resolve;
    });
    fairway.createFunction(
      { id: "f", onFailure: ({ event }) => void calls.push(event.data.run_id as string) },
      { event: "go" },
      async () => {
        await failing;
        throw new NonRetriableError("broken");
      },
    );
    await fairway.send({ name: "go" });
    await fairway.idle();
    const run = (await fairway.listRuns({ functionId: "f" })).runs[0];
    await fairway.cancelRun(run?.id as string, "stop");
    fail();
    await fairway.idle();
    expect((await fairway.getRun(run?.id as string))?.status).toBe("cancelled");
    expect((await fairway.listRuns({ functionId: "f-failure" })).runs).toEqual([]);
    expect(calls).toEqual([]);
    await fairway.close();
  });
});

describe.each(storeKinds)("onFailure (%s)", (kind) => {
  it("runs once with fairway/function.failed carrying function_id, run_id, error, event and events", async () => {
    const { fairway } = makeFairway(kind);
    const calls: HandlerContext[] = [];
    fairway.createFunction(
      { id: "f", onFailure: (context) => void calls.push(context) },
      { event: "e" },
      async () => {
        throw new NonRetriableError("broken");
      },
    );
    const { ids } = await fairway.send({ name: "e", data: { order: 7 } });
    await fairway.idle();
    await fairway.idle();
    const run = (await fairway.listRuns({ functionId: "f" })).runs[0];
    expect(calls).toHaveLength(1);
    const failure = calls[0]?.event;
    expect(failure?.name).toBe(FUNCTION_FAILED_EVENT);
    const trigger = { name: "e", data: { order: 7 }, id: ids[0], ts: expect.any(Number) };
    expect(failure?.data).toMatchObject({
      function_id: "f",
      run_id: run?.id,
      error: { name: "NonRetriableError", message: "broken", code: "non_retriable" },
      event: trigger,
      events: [trigger],
    });
    const failureRun = (await fairway.listRuns({ functionId: "f-failure" })).runs[0];
    expect(failureRun?.status).toBe("completed");
    await fairway.close();
  });

  it("still runs when the failed run's event is close to the 512 KB event limit", async () => {
    const { fairway } = makeFairway(kind);
    let calls = 0;
    fairway.createFunction(
      {
        id: "f",
        onFailure: () => {
          calls++;
        },
      },
      { event: "e" },
      async () => {
        throw new NonRetriableError("x".repeat(10_000));
      },
    );
    const blob = "y".repeat(MAX_EVENT_BYTES - 100);
    await fairway.send({ name: "e", data: { blob } });
    await fairway.idle();
    await fairway.idle();
    expect((await fairway.listRuns({ functionId: "f" })).runs[0]?.status).toBe("failed");
    expect(calls).toBe(1);
    await fairway.close();
  });
});
