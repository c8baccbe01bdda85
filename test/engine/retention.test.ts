import { describe, expect, it } from "vitest";
import { normalizeRetention } from "../../src/engine/retention-options.js";
import { ConfigError, type FairwayEvent, NotFoundError } from "../../src/index.js";
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

describe.each(storeKinds)("retention of runs on %s", (kind) => {
  it("an ended run goes with its steps runsMs after its end; a live parent keeps the child it invoked", async () => {
    const { fairway, clock } = makeFairway(kind, { retention: { ...retention, runsMs: 3_600_000 } });
    const child = fairway.createFunction({ id: "child" }, { event: "app/child" }, async ({ step }) =>
      step.run("work", () => "done"),
    );
    fairway.createFunction({ id: "parent" }, { event: "app/parent" }, async ({ step }) => {
      const got = await step.invoke("call", { function: child, data: {} });
      await step.sleep("long", "3h");
      return got;
    });
    await fairway.send({ name: "app/parent", data: {} });
    await fairway.idle();
    const childId = await runOf(fairway, "child");
    const parentId = await runOf(fairway, "parent");
    await fairway.waitForRun(childId);
    // Two hours on: the child ended long enough ago, but its parent still sleeps.
    await clock.advance("2h");
    expect((await fairway.getRun(childId))?.status).toBe("completed");
    expect((await fairway.getRunSteps(childId)).map((s) => s.id)).toEqual(["work"]);
    await clock.advance("1h");
    expect(await fairway.waitForRun(parentId)).toBe("done");
    // The parent has ended: the child, ended three hours ago, goes at the next pass; the parent an hour later.
    await clock.advance("1m");
    expect((await fairway.listRuns({})).runs.map((r) => r.functionId)).toEqual(["parent"]);
    await clock.advance("58m");
    expect((await fairway.listRuns({})).runs.map((r) => r.functionId)).toEqual(["parent"]);
    await clock.advance("2m");
    expect((await fairway.listRuns({})).runs).toEqual([]);
    await expect(fairway.getRunSteps(parentId)).rejects.toThrow(NotFoundError);
    expect(await fairway.store.getSteps(childId)).toEqual([]);
    await fairway.close();
  });

  it("runs are kept as long as a restart reads them back (a throttle's 24 h lookback): runsMs 0 keeps them 24 h and the margin", async () => {
    const { fairway, clock } = makeFairway(kind, { retention: { ...retention, runsMs: 0 } });
    // Lookback 2 × (limit + burst) × period / limit = 24 h.
    fairway.createFunction(
      { id: "limited", throttle: { limit: 1, period: "12h" } },
      { event: "app/go" },
      async () => "ok",
    );
    await fairway.send({ name: "app/go", data: {} });
    await fairway.waitForRun(await runOf(fairway, "limited"));
    await clock.advance("23h");
    expect((await fairway.listRuns({ functionId: "limited" })).runs).toHaveLength(1);
    // Past the window and the margin, the run goes.
    await clock.advance("66m");
    expect((await fairway.listRuns({ functionId: "limited" })).runs).toEqual([]);
    await fairway.close();
  });

  it("usage records go usageMs after the call; the totals before then count them", async () => {
    const { fairway, clock } = makeFairway(kind, {
      retention: { ...retention, runsMs: 60_000, usageMs: 3_600_000 },
    });
    const at = clock.now();
    const record = {
      id: "u1",
      runId: "r",
      functionId: "f",
      tenantKey: "t",
      model: "m",
      at,
      inputTokens: 5,
      outputTokens: 1,
    };
    await fairway.start();
    await fairway.store.recordUsage([record]);
    await clock.advance("59m");
    expect(await fairway.usage()).toMatchObject([{ calls: 1, inputTokens: 5 }]);
    await clock.advance("2m");
    expect(await fairway.usage()).toEqual([]);
    await fairway.close();
  });
});

describe("retention options", () => {
  it("are checked: a ConfigError names the field", () => {
    expect(() => makeFairway("memory", { retention: { eventsMs: -1 } })).toThrow(
      new ConfigError("retention.eventsMs", "must be an integer from 0 to Number.MAX_SAFE_INTEGER (ms)", -1),
    );
    expect(() => makeFairway("memory", { retention: { intervalMs: 10 } })).toThrow(/retention\.intervalMs/);
    expect(() => makeFairway("memory", { retention: "often" as never })).toThrow(/retention/);
    expect(() => makeFairway("memory", { retention: { runsMs: 1.5 } })).toThrow(
      new ConfigError(
        "retention.runsMs",
        "must be an integer from 0 to Number.MAX_SAFE_INTEGER (ms) or false (kept for ever)",
        1.5,
      ),
    );
    expect(() => makeFairway("memory", { retention: { runsMs: true as never } })).toThrow(
      /retention\.runsMs/,
    );
    expect(() => makeFairway("memory", { retention: { usageMs: -1 } })).toThrow(
      /retention\.usageMs: must be an integer from 0/,
    );
    expect(() => makeFairway("memory", { retention: { runsMs: 2000, usageMs: 1000 } })).toThrow(
      new ConfigError(
        "retention.usageMs",
        "must be >= retention.runsMs (2000 ms): a kept run keeps its usage",
        1000,
      ),
    );
    expect(() => makeFairway("memory", { retention: { runsMs: false, usageMs: 1000 } })).toThrow(
      /retention\.usageMs: must be >= retention\.runsMs \(false: for ever\)/,
    );
  });

  it("reject an unknown field, naming it and the known ones", () => {
    expect(() => makeFairway("memory", { retention: { runMs: 1000 } as never })).toThrow(
      new ConfigError(
        "retention.runMs",
        "is not a known field (known: eventsMs, runsMs, usageMs, intervalMs)",
      ),
    );
    expect(() => normalizeRetention({ eventsMs: 1000, interval: 5000 } as never)).toThrow(
      /^retention\.interval: is not a known field/,
    );
    expect(() => normalizeRetention([] as never)).toThrow(
      new ConfigError(
        "retention",
        "must be an object ({ eventsMs?, runsMs?, usageMs?, intervalMs? }) or false",
        [],
      ),
    );
  });

  it.each([
    ["eventsMs", "", 1e20],
    ["runsMs", " or false (kept for ever)", 1e20],
    ["usageMs", " or false (kept for ever)", Number.MAX_SAFE_INTEGER + 1],
    ["eventsMs", "", Number.POSITIVE_INFINITY],
  ])("reject retention.%s beyond Number.MAX_SAFE_INTEGER ms", (field, orFalse, value) => {
    expect(() => normalizeRetention({ [field]: value })).toThrow(
      new ConfigError(
        `retention.${field}`,
        `must be an integer from 0 to Number.MAX_SAFE_INTEGER (ms)${orFalse}`,
        value,
      ),
    );
  });

  it("reject retention.intervalMs beyond Number.MAX_SAFE_INTEGER ms; accept that bound itself", () => {
    expect(() => normalizeRetention({ intervalMs: 2 ** 60 })).toThrow(
      new ConfigError(
        "retention.intervalMs",
        "must be an integer from 1000 to Number.MAX_SAFE_INTEGER (ms)",
        2 ** 60,
      ),
    );
    const max = Number.MAX_SAFE_INTEGER;
    expect(normalizeRetention({ eventsMs: max, runsMs: max, usageMs: max, intervalMs: max })).toEqual({
      eventsMs: max,
      runsMs: max,
      usageMs: max,
      intervalMs: max,
    });
  });

  it("default to 7 days of events, 30 days of runs, 400 days of usage (at least as long as runs), a pass an hour", () => {
    const day = 24 * 3_600_000;
    expect(normalizeRetention(undefined)).toEqual({
      eventsMs: 7 * day,
      runsMs: 30 * day,
      usageMs: 400 * day,
      intervalMs: 3_600_000,
    });
    expect(normalizeRetention({ runsMs: 500 * day })).toMatchObject({
      runsMs: 500 * day,
      usageMs: 500 * day,
    });
    expect(normalizeRetention({ runsMs: false })).toMatchObject({ runsMs: false, usageMs: false });
    expect(normalizeRetention({ runsMs: 0, usageMs: false })).toMatchObject({ runsMs: 0, usageMs: false });
    expect(normalizeRetention(false)).toBeUndefined();
  });
});
