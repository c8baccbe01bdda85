import { describe, expect, it } from "vitest";
import { makeFairway } from "../engine/helpers.js";
import { eventsFor, statuses } from "./engine-helpers.js";

describe("schedule-time controls and deadlines (review)", () => {
  it("cancelling a throttled queued run gives its turn to the next one", async () => {
    const { fairway, clock } = makeFairway("memory");
    const starts: number[] = [];
    const t0 = clock.now();
    fairway.createFunction(
      { id: "f", throttle: { limit: 1, period: "10s" } },
      { event: "e" },
      ({ event }) => {
        starts.push(Number(event.data.i));
      },
    );
    await fairway.send(eventsFor("e", undefined, 3));
    await clock.advance(0);
    expect(starts).toEqual([0]);
    expect(fairway.flowState("f")).toEqual([
      { functionId: "f", key: "", queued: 2, running: 0, throttled: 2 },
    ]);
    const { runs } = await fairway.listRuns({ functionId: "f", status: "queued" });
    const second = runs.find((r) => r.events[0]?.data.i === 1)!;
    await fairway.cancelRun(second.id);
    await clock.advance(0);
    expect(fairway.flowState("f")).toEqual([
      { functionId: "f", key: "", queued: 1, running: 0, throttled: 1 },
    ]);
    await clock.advance("10s");
    expect(starts).toEqual([0, 2]);
    expect(clock.now() - t0).toBe(10000);
    await fairway.close();
  });

  it("timeouts.start counts the throttle wait", async () => {
    const { fairway, clock } = makeFairway("memory");
    fairway.createFunction(
      { id: "f", throttle: { limit: 1, period: "10s" }, timeouts: { start: "5s" } },
      { event: "e" },
      () => {},
    );
    await fairway.send(eventsFor("e", undefined, 2));
    await clock.advance("4999");
    expect(await statuses(fairway, "f")).toEqual(["completed", "queued"]);
    await clock.advance(1);
    expect(await statuses(fairway, "f")).toEqual(["completed", "cancelled"]);
    expect(fairway.flowState("f").filter((r) => r.queued + r.running + r.throttled > 0)).toEqual([]);
    await clock.advance("10s");
    expect(await statuses(fairway, "f")).toEqual(["completed", "cancelled"]);
    await fairway.close();
  });

  it("timeouts.finish counts sleeping time after the first start", async () => {
    const { fairway, clock } = makeFairway("memory");
    const steps: string[] = [];
    fairway.createFunction({ id: "f", timeouts: { finish: "1m" } }, { event: "e" }, async ({ step }) => {
      await step.sleep("s", "2m");
      await step.run("after", () => steps.push("after"));
    });
    await fairway.send(eventsFor("e", undefined, 1));
    await clock.advance("59s");
    expect(await statuses(fairway, "f")).toEqual(["sleeping"]);
    await clock.advance("1s");
    expect(await statuses(fairway, "f")).toEqual(["cancelled"]);
    await clock.advance("2m");
    expect(steps).toEqual([]);
    await fairway.close();
  });

  it("singleton skip: a sleeping run is still active", async () => {
    const { fairway, clock } = makeFairway("memory");
    fairway.createFunction(
      { id: "f", singleton: { mode: "skip", key: "event.data.user" } },
      { event: "e" },
      async ({ step }) => {
        await step.sleep("s", "1m");
      },
    );
    await fairway.send(eventsFor("e", "a", 1));
    await clock.advance(0);
    await fairway.send([...eventsFor("e", "a", 1), ...eventsFor("e", "b", 1)]);
    await clock.advance(0);
    const { runs } = await fairway.listRuns({ functionId: "f" });
    expect(runs.map((r) => `${r.events[0]?.data.user}:${r.status}`).sort()).toEqual([
      "a:skipped",
      "a:sleeping",
      "b:sleeping",
    ]);
    await clock.advance("1m");
    await fairway.send(eventsFor("e", "a", 1));
    await clock.advance(0);
    expect((await statuses(fairway, "f")).at(-1)).toBe("sleeping");
    await fairway.close();
  });

  it("singleton cancel replaces a queued (not yet started) holder", async () => {
    const { fairway, clock } = makeFairway("memory");
    const ran: number[] = [];
    fairway.createFunction(
      { id: "f", singleton: { mode: "cancel" }, throttle: { limit: 1, period: "10s" } },
      { event: "e" },
      ({ event }) => {
        ran.push(Number(event.data.i));
      },
    );
    await fairway.send(eventsFor("e", undefined, 1));
    await clock.advance(0);
    await fairway.send([{ name: "e", data: { i: 1 } }]);
    await clock.advance(0);
    await fairway.send([{ name: "e", data: { i: 2 } }]);
    await clock.advance("20s");
    expect(ran).toEqual([0, 2]);
    expect(await statuses(fairway, "f")).toEqual(["completed", "cancelled", "completed"]);
    await fairway.close();
  });

  it("cancelOn entry timeout: an event after it no longer cancels", async () => {
    const { fairway, clock } = makeFairway("memory");
    fairway.createFunction(
      { id: "f", cancelOn: [{ event: "stop", if: "event.data.id == async.data.id", timeout: "1m" }] },
      { event: "e" },
      async ({ step }) => {
        await step.sleep("s", "1h");
      },
    );
    await fairway.send([
      { name: "e", data: { id: 1 } },
      { name: "e", data: { id: 2 } },
    ]);
    await clock.advance("30s");
    await fairway.send({ name: "stop", data: { id: 1 } });
    await clock.advance("31s");
    await fairway.send({ name: "stop", data: { id: 2 } });
    await clock.advance("1h");
    expect(await statuses(fairway, "f")).toEqual(["cancelled", "completed"]);
    await fairway.close();
  });

  it("rateLimit and idempotency keys follow the null-key rule (shared __null__ key, warning)", async () => {
    const { fairway, clock } = makeFairway("memory");
    fairway.createFunction(
      { id: "r", rateLimit: { limit: 1, period: "1h", key: "event.data.user" } },
      { event: "e" },
      () => {},
    );
    fairway.createFunction({ id: "i", idempotency: "event.data.user.id" }, { event: "e" }, () => {});
    await fairway.send([
      { name: "e", data: {} },
      { name: "e", data: { user: null } },
      { name: "e", data: { user: "a" } },
    ]);
    await clock.advance(0);
    expect(await statuses(fairway, "r")).toEqual(["completed", "skipped", "completed"]);
    expect(await statuses(fairway, "i")).toEqual(["completed", "skipped", "skipped"]);
    const { runs } = await fairway.listRuns({ functionId: "r" });
    for (const run of runs.filter((r) => r.events[0]?.data.user !== "a")) {
      expect(run.warnings?.[0]).toMatch(/^rateLimit\.key/);
    }
    await fairway.close();
  });

  it("batchEvents per key with a global concurrency limit", async () => {
    const { fairway, clock } = makeFairway("memory");
    const batches: string[] = [];
    fairway.createFunction(
      {
        id: "f",
        concurrency: 1,
        batchEvents: { maxSize: 3, timeout: "5s", key: "event.data.user", if: "event.data.i != 9" },
      },
      { event: "e" },
      ({ events }) => {
        batches.push(events.map((e) => `${e.data.user}${e.data.i}`).join(","));
      },
    );
    await fairway.send([
      ...eventsFor("e", "a", 4),
      ...eventsFor("e", "b", 1),
      { name: "e", data: { user: "a", i: 9 } },
    ]);
    await clock.advance(0);
    expect(batches.sort()).toEqual(["a0,a1,a2", "a9"]);
    await clock.advance("4999");
    expect(batches).toHaveLength(2);
    await clock.advance(1);
    expect(batches.slice(2).sort()).toEqual(["a3", "b0"]);
    await fairway.close();
  });
});
