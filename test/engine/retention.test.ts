import { describe, expect, it } from "vitest";
import { ConfigError, type FairwayEvent } from "../../src/index.js";
import { makeFairway, runOf, storeKinds } from "./helpers.js";

/** Events kept a minute; a pass a minute (the first one minute after start). */
const retention = { eventsMs: 60_000, intervalMs: 60_000 };

describe.each(storeKinds)("retention on %s", (kind) => {
  it("passes on the clock delete old events nothing needs; a run parked before its wait still gets its event", async () => {
    const { fairway, clock } = makeFairway(kind, { retention });
    fairway.createFunction({ id: "done" }, { event: "app/done" }, async () => "ok");
    fairway.createFunction({ id: "approve" }, { event: "order/created" }, async ({ step }) => {
      await step.sleep("slow", "10m");
      return step.waitForEvent("approval", { event: "order/approved", timeout: "1h", match: "data.orderId" });
    });
    const { ids: done } = await fairway.send({ name: "app/done", data: {} });
    await fairway.waitForRun(await runOf(fairway, "done"));
    const { ids: order } = await fairway.send([
      { name: "order/created", data: { orderId: 7 } },
      { name: "order/approved", data: { orderId: 7, by: "ann" } },
    ]);
    const runId = await runOf(fairway, "approve");
    // Nine passes while the run sleeps: the ended run's event goes, the sleeping run's stay.
    await clock.advance("9m");
    expect(await fairway.store.getEvent(done[0] as string)).toBeUndefined();
    for (const id of order) expect(await fairway.store.getEvent(id)).toBeDefined();
    await clock.advance("1m");
    const output = (await fairway.waitForRun(runId)) as FairwayEvent;
    expect(output.data).toEqual({ orderId: 7, by: "ann" });
    // Once the run has ended, the next pass deletes its events too.
    await clock.advance("1m");
    for (const id of order) expect(await fairway.store.getEvent(id)).toBeUndefined();
    await fairway.close();
  });

  it("retention: false keeps every event", async () => {
    const { fairway, clock } = makeFairway(kind, { retention: false });
    fairway.createFunction({ id: "done" }, { event: "app/done" }, async () => "ok");
    const { ids } = await fairway.send({ name: "app/done", data: {} });
    await fairway.waitForRun(await runOf(fairway, "done"));
    await clock.advance("2h");
    expect(await fairway.store.getEvent(ids[0] as string)).toBeDefined();
    await fairway.close();
  });
});

describe("retention options", () => {
  it("are checked: a ConfigError names the field", () => {
    expect(() => makeFairway("memory", { retention: { eventsMs: -1 } })).toThrow(
      new ConfigError("retention.eventsMs", "must be an integer >= 0 (ms)", -1),
    );
    expect(() => makeFairway("memory", { retention: { intervalMs: 10 } })).toThrow(/retention\.intervalMs/);
    expect(() => makeFairway("memory", { retention: "often" as never })).toThrow(/retention/);
  });
});
