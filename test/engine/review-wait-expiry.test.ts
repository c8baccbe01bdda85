import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { makeFairway, storeKinds, tempDir } from "./helpers.js";
import { settle } from "./review-helpers.js";

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
    await settle();
    const runId = (await first.listRuns({ functionId: "f" })).runs[0]?.id as string;
    expect((await first.getRun(runId))?.status).toBe("waiting");
    await first.close();

    await clock.advance("2m");
    const second = new Fairway({ id: "t", store: file, clock, logger: silent });
    define(second);
    await second.send({ name: "x", data: { late: true } });
    await settle();
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
    await settle();
    await clock.advance("30s"); // busy wakes and blocks the only slot
    await clock.advance("1m"); // the wait times out, its run cannot be claimed yet
    await fairway.send({ name: "x", data: { late: true } });
    release();
    await settle();
    await clock.advance(1);
    const waiter = (await fairway.listRuns({ functionId: "waiter" })).runs[0];
    expect(waiter?.status).toBe("completed");
    expect(waiter?.output).toBeNull();
    await fairway.close();
  });
});
