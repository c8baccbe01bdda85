import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/index.js";
import { makeFairway, storeKinds } from "../engine/helpers.js";
import { eventsFor, statuses } from "./engine-helpers.js";

describe.each(storeKinds)("schedule-time controls through the engine (%s store)", (kind) => {
  it("debounce: one run with the last event after a quiet period", async () => {
    const { fairway, clock } = makeFairway(kind);
    const seen: unknown[] = [];
    fairway.createFunction(
      { id: "f", debounce: { period: "10s", key: "event.data.user" } },
      { event: "e" },
      ({ event, events }) => {
        seen.push([event.data.n, events.length]);
      },
    );
    await fairway.send({ name: "e", data: { user: "a", n: 1 } });
    await clock.advance("5s");
    await fairway.send({ name: "e", data: { user: "a", n: 2 } });
    await fairway.send({ name: "e", data: { user: "b", n: 3 } });
    await clock.advance("9999ms");
    expect(seen).toEqual([]);
    await clock.advance(1);
    expect(seen).toEqual([
      [2, 1],
      [3, 1],
    ]);
    expect(await statuses(fairway, "f")).toEqual(["completed", "completed"]);
    await fairway.close();
  });

  it("debounce: never later than first event + timeout; an older ts neither replaces nor extends", async () => {
    const { fairway, clock } = makeFairway(kind);
    const seen: Array<[unknown, number]> = [];
    const t0 = clock.now();
    fairway.createFunction(
      { id: "f", debounce: { period: "10s", timeout: "25s" } },
      { event: "e" },
      ({ event }) => {
        seen.push([event.data.n, clock.now() - t0]);
      },
    );
    await fairway.send({ name: "e", data: { n: 1 } });
    for (let n = 2; n <= 4; n++) {
      await clock.advance("8s");
      await fairway.send({ name: "e", data: { n } });
    }
    await clock.advance("1s");
    expect(seen).toEqual([[4, 25_000]]);
    await fairway.send({ name: "e", data: { n: "new" }, ts: clock.now() });
    await clock.advance("5s");
    await fairway.send({ name: "e", data: { n: "late" }, ts: clock.now() - 60_000 });
    await clock.advance("5s");
    expect(seen).toEqual([
      [4, 25_000],
      ["new", 35_000],
    ]);
    await fairway.close();
  });

  it("batchEvents: one run with events[] at maxSize or at timeout; `if` false runs alone", async () => {
    const { fairway, clock } = makeFairway(kind);
    const batches: unknown[][] = [];
    fairway.createFunction(
      {
        id: "f",
        batchEvents: { maxSize: 3, timeout: "5s", key: "event.data.org", if: "event.data.bulk == true" },
      },
      { event: "e" },
      ({ events }) => {
        batches.push(events.map((event) => event.data.n));
      },
    );
    await fairway.send([1, 2, 3, 4].map((n) => ({ name: "e", data: { org: "o1", bulk: true, n } })));
    await fairway.send({ name: "e", data: { org: "o2", bulk: true, n: 5 } });
    await fairway.send({ name: "e", data: { org: "o1", bulk: false, n: 6 } });
    await clock.advance(0);
    // Both runs are due at once; on PostgreSQL their claims may complete in either order.
    expect([...batches].sort()).toEqual([[1, 2, 3], [6]]);
    await clock.advance("5s");
    expect(batches.slice(2).sort()).toEqual([[4], [5]]);
    const { runs } = await fairway.listRuns({ functionId: "f" });
    expect(runs.map((run) => run.eventIds.length).sort()).toEqual([1, 1, 1, 3]);
    await fairway.close();
  });

  it("singleton skip: a run while one is active is skipped with the reason", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction(
      { id: "f", singleton: { mode: "skip", key: "event.data.user" } },
      { event: "e" },
      async ({ step }) => {
        await step.sleep("s", "1m");
      },
    );
    await fairway.send({ name: "e", data: { user: "a" } });
    await clock.advance(0);
    await fairway.send([
      { name: "e", data: { user: "a" } },
      { name: "e", data: { user: "b" } },
    ]);
    await clock.advance("1m");
    expect(await statuses(fairway, "f")).toEqual(["completed", "skipped", "completed"]);
    const { runs } = await fairway.listRuns({ functionId: "f", status: "skipped" });
    expect(runs[0]?.skipReason).toMatch(/^singleton: run \w+ is active for key "a"$/);
    await fairway.send({ name: "e", data: { user: "a" } });
    await clock.advance("1m");
    expect(await statuses(fairway, "f")).toEqual(["completed", "skipped", "completed", "completed"]);
    await fairway.close();
  });

  it("singleton cancel: the active run is cancelled and the new one proceeds", async () => {
    const { fairway, clock } = makeFairway(kind);
    const after: string[] = [];
    fairway.createFunction(
      { id: "f", singleton: { mode: "cancel" } },
      { event: "e" },
      async ({ event, step }) => {
        await step.sleep("s", "1m");
        await step.run("after", () => after.push(String(event.data.n)));
      },
    );
    await fairway.send({ name: "e", data: { n: 1 } });
    await clock.advance("10s");
    await fairway.send({ name: "e", data: { n: 2 } });
    await clock.advance("2m");
    expect(after).toEqual(["2"]);
    expect(await statuses(fairway, "f")).toEqual(["cancelled", "completed"]);
    await fairway.close();
  });

  it("cancelOn with match cancels only the matching run; a cancelled run starts no further step (R22)", async () => {
    const { fairway, clock } = makeFairway(kind);
    const after: unknown[] = [];
    fairway.createFunction(
      { id: "f", cancelOn: [{ event: "job/cancel", match: "data.job" }] },
      { event: "job/start" },
      async ({ event, step }) => {
        await step.sleep("wait", "1h");
        await step.run("after", () => after.push(event.data.job));
      },
    );
    await fairway.send({ name: "job/cancel", data: { job: 2 } });
    await fairway.send([1, 2, 3].map((job) => ({ name: "job/start", data: { job } })));
    await clock.advance("1m");
    await fairway.send({ name: "job/cancel", data: { job: 2 } });
    await clock.advance("2h");
    expect(after.sort()).toEqual([1, 3]);
    expect(await statuses(fairway, "f")).toEqual(["completed", "cancelled", "completed"]);
    const { runs } = await fairway.listRuns({ functionId: "f", status: "cancelled" });
    expect(runs[0]?.cancelReason).toMatch(/^cancelOn\[0\]: event job\/cancel/);
    expect((await fairway.getRunSteps(runs[0]!.id)).map((step) => step.id)).toEqual(["wait"]);
    await fairway.close();
  });

  it("cancelOn: an event sent right after the trigger (same send) cancels the run", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "f", cancelOn: [{ event: "stop" }] }, { event: "go" }, async ({ step }) => {
      await step.sleep("s", "1m");
    });
    await fairway.send([
      { name: "go", data: {} },
      { name: "stop", data: {} },
    ]);
    await clock.advance("2m");
    expect(await statuses(fairway, "f")).toEqual(["cancelled"]);
    await fairway.close();
  });

  it("timeouts: start cancels a run still queued; finish cancels a run still running", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction(
      { id: "f", concurrency: 1, timeouts: { start: "30s", finish: "1m" } },
      { event: "e" },
      async ({ event, step }) => {
        await step.sleep("s", event.data.long ? "5m" : "10s");
      },
    );
    await fairway.send({ name: "e", data: { long: true } });
    await clock.advance(0);
    await fairway.send({ name: "e", data: { long: false } });
    await clock.advance("5m");
    // The second run could start (the first sleeps, holding no slot) and finished in time.
    expect(await statuses(fairway, "f")).toEqual(["cancelled", "completed"]);
    const { runs } = await fairway.listRuns({ functionId: "f", status: "cancelled" });
    expect(runs[0]?.cancelReason).toBe("timeouts.finish: deadline passed");
    await fairway.close();
  });

  it("timeouts.start: a run that waits too long for a slot is cancelled", async () => {
    const { fairway, clock } = makeFairway(kind);
    let release: () => void = () => {};
    fairway.createFunction(
      { id: "f", concurrency: 1, timeouts: { start: "30s" } },
      { event: "e" },
      async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    );
    await fairway.send([
      { name: "e", data: {} },
      { name: "e", data: {} },
    ]);
    await clock.advance("31s");
    release();
    await clock.advance(0);
    expect(await statuses(fairway, "f")).toEqual(["completed", "cancelled"]);
    const { runs } = await fairway.listRuns({ functionId: "f", status: "cancelled" });
    expect(runs[0]?.cancelReason).toBe("timeouts.start: deadline passed");
    await fairway.close();
  });
});

describe("flow config at definition time", () => {
  it.each([
    [{ concurrency: [{ limit: 1 }, { limit: 2, scope: "account" }] }, "concurrency[1].key"],
    [{ throttle: { limit: 1, period: "100ms" } }, "throttle.period"],
    [{ debounce: { period: "8d" } }, "debounce.period"],
    [{ batchEvents: { maxSize: 5, timeout: "5s" }, cancelOn: [{ event: "x" }] }, "batchEvents"],
    [{ priority: { run: "event.data.(" } }, "priority.run"],
    [{ rateLimit: { limit: 1, period: "1h", keys: "x" } }, "rateLimit.keys"],
  ])("rejects %j naming %s", (config, path) => {
    const { fairway } = makeFairway("memory");
    let error: unknown;
    try {
      fairway.createFunction({ id: "f", ...(config as object) }, { event: "e" }, () => {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
  });
});

describe("schedule-time controls and deadlines", () => {
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
