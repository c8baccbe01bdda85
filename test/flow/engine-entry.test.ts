import { describe, expect, it } from "vitest";
import { makeFairway, storeKinds } from "../engine/helpers.js";
import { gatedHandler } from "./engine-helpers.js";

describe.each(storeKinds)("runs created outside send() get their own keys (%s store)", (kind) => {
  it("a rerun waits for its key's slot and is counted under its key", async () => {
    const { fairway, clock } = makeFairway(kind);
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "f", concurrency: { limit: 1, key: "event.data.user" } },
      { event: "e" },
      gate.handler,
    );
    await fairway.send({ name: "e", data: { user: "a" } });
    await clock.advance(0);
    const [first] = gate.started;
    gate.release(first);
    await clock.advance(0);
    await fairway.send({ name: "e", data: { user: "a" } });
    await clock.advance(0);
    expect(gate.active()).toBe(1);
    const { runId } = await fairway.rerun(first!);
    await clock.advance(0);
    expect(gate.active()).toBe(1);
    const rerun = await fairway.getRun(runId);
    expect(rerun?.concurrencyKeys).toEqual(["a"]);
    expect(fairway.flowState("f")).toEqual([
      { functionId: "f", key: "a", queued: 1, running: 1, throttled: 0 },
    ]);
    await gate.drain(() => clock.advance(0));
    expect(gate.peakOf("a")).toBe(1);
    await fairway.close();
  });

  it("invoked runs are keyed by their data", async () => {
    const { fairway, clock } = makeFairway(kind);
    const gate = gatedHandler();
    const child = fairway.createFunction(
      { id: "child", concurrency: { limit: 1, key: "event.data.user" } },
      { event: "c" },
      gate.handler,
    );
    fairway.createFunction({ id: "p" }, { event: "e" }, async ({ event, step }) => {
      await step.invoke("i", { function: child, data: { user: event.data.user } });
    });
    await fairway.send([
      { name: "e", data: { user: "a" } },
      { name: "e", data: { user: "a" } },
      { name: "e", data: { user: "b" } },
    ]);
    await clock.advance(0);
    await clock.advance(0);
    expect(gate.activeOf("a")).toBe(1);
    expect(gate.activeOf("b")).toBe(1);
    const { runs } = await fairway.listRuns({ functionId: "child" });
    expect(runs.map((r) => r.concurrencyKeys?.[0]).sort()).toEqual(["a", "a", "b"]);
    await gate.drain(() => clock.advance(0));
    expect(gate.peakOf("a")).toBe(1);
    await fairway.close();
  });

  it("a rerun respects the singleton (skipped with the reason while the holder is active), not the rate limit", async () => {
    const { fairway, clock } = makeFairway(kind);
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "f", singleton: { mode: "skip" }, rateLimit: { limit: 1, period: "1h" } },
      { event: "e" },
      gate.handler,
    );
    await fairway.send({ name: "e", data: {} });
    await clock.advance(0);
    const first = gate.started[0]!;
    const skipped = await fairway.rerun(first);
    await clock.advance(0);
    expect(gate.active()).toBe(1);
    const run = await fairway.getRun(skipped.runId);
    expect(run?.status).toBe("skipped");
    expect(run?.skipReason).toContain(`singleton: run ${first} is active`);
    await gate.drain(() => clock.advance(0));
    const again = await fairway.rerun(first);
    await clock.advance(0);
    expect(gate.started.at(-1)).toBe(again.runId);
    await gate.drain(() => clock.advance(0));
    expect((await fairway.getRun(again.runId))?.status).toBe("completed");
    await fairway.close();
  });
});
