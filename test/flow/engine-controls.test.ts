import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/index.js";
import { makeFairway } from "../engine/helpers.js";
import { eventsFor, gatedHandler, sharedKeyPair, statuses } from "./engine-helpers.js";

describe("flow controls through the public API", () => {
  it("account-scoped key shared by two functions with different limits", async () => {
    const { fairway, clock } = makeFairway("memory");
    const gate = gatedHandler();
    sharedKeyPair(fairway, "account", [3, 1], gate.handler);
    await fairway.send(eventsFor("ea", "u", 2));
    await clock.advance(0);
    expect(gate.active()).toBe(2);
    await fairway.send(eventsFor("eb", "u", 1));
    await clock.advance(0);
    // b's limit 1 is compared with the shared count 2: it waits.
    expect(gate.active()).toBe(2);
    await fairway.send(eventsFor("ea", "u", 2));
    await clock.advance(0);
    expect(gate.active()).toBe(3);
    gate.release();
    gate.release();
    await clock.advance(0);
    expect(gate.active()).toBe(2);
    await gate.drain(() => clock.advance(0));
    expect(await statuses(fairway, "b")).toEqual(["completed"]);
    await fairway.close();
  });

  it("cancel while queued and while running frees the slot; flowState follows", async () => {
    const { fairway, clock } = makeFairway("memory");
    const gate = gatedHandler();
    fairway.createFunction({ id: "f", concurrency: 1 }, { event: "e" }, gate.handler);
    await fairway.send(eventsFor("e", undefined, 3));
    await clock.advance(0);
    expect(fairway.flowState("f")).toEqual([
      { functionId: "f", key: "", queued: 2, running: 1, throttled: 0 },
    ]);
    const { runs } = await fairway.listRuns({ functionId: "f" });
    const first = gate.started[0];
    const [second, third] = runs
      .map((r) => r.id)
      .filter((id) => id !== first)
      .sort();
    await fairway.cancelRun(second!);
    await clock.advance(0);
    expect(fairway.flowState("f")).toEqual([
      { functionId: "f", key: "", queued: 1, running: 1, throttled: 0 },
    ]);
    await fairway.cancelRun(first!);
    await clock.advance(0);
    // The cancelled run's in-flight code still runs: its slot frees when that code returns.
    gate.release(first);
    await clock.advance(0);
    expect(gate.started.at(-1)).toBe(third);
    expect(fairway.flowState("f")).toEqual([
      { functionId: "f", key: "", queued: 0, running: 1, throttled: 0 },
    ]);
    await gate.drain(() => clock.advance(0));
    expect(fairway.flowState("f").filter((r) => r.queued + r.running + r.throttled > 0)).toEqual([]);
    await fairway.close();
  });

  it("a run waiting on an invoked function holds no slot", async () => {
    const { fairway, clock } = makeFairway("memory");
    const order: string[] = [];
    const child = fairway.createFunction(
      { id: "child", concurrency: 1 },
      { event: "c" },
      async ({ step }) => {
        await step.sleep("s", "1m");
        return 1;
      },
    );
    fairway.createFunction({ id: "p", concurrency: 1 }, { event: "e" }, async ({ event, step }) => {
      order.push(`start ${event.data.n}`);
      if (event.data.n === 0) await step.invoke("i", { function: child, data: {} });
      order.push(`end ${event.data.n}`);
    });
    await fairway.send([
      { name: "e", data: { n: 0 } },
      { name: "e", data: { n: 1 } },
    ]);
    await clock.advance(0);
    expect(order).toEqual(["start 0", "start 1", "end 1"]);
    expect(fairway.flowState("p").reduce((s, r) => s + r.running, 0)).toBe(0);
    await clock.advance("1m");
    expect(order.slice(3)).toEqual(["start 0", "end 0"]);
    await fairway.close();
  });

  it("throttle with a concurrency limit: throttled counts, none dropped", async () => {
    const { fairway, clock } = makeFairway("memory");
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "f", concurrency: 1, throttle: { limit: 1, period: "1s" } },
      { event: "e" },
      gate.handler,
    );
    await fairway.send(eventsFor("e", undefined, 3));
    await clock.advance(0);
    expect(gate.active()).toBe(1);
    await clock.advance("5s");
    expect(gate.active()).toBe(1);
    gate.release();
    await clock.advance(0);
    expect(gate.active()).toBe(1);
    gate.release();
    await clock.advance(0);
    expect(gate.active()).toBe(0);
    expect(fairway.flowState("f")).toEqual([
      { functionId: "f", key: "", queued: 1, running: 0, throttled: 1 },
    ]);
    await clock.advance(999);
    expect(gate.active()).toBe(0);
    await clock.advance(1);
    expect(gate.active()).toBe(1);
    await gate.drain(() => clock.advance("1s"));
    expect(await statuses(fairway, "f")).toEqual(["completed", "completed", "completed"]);
    await fairway.close();
  });

  it("debounce: older ts ignored; timeout cap", async () => {
    const { fairway, clock } = makeFairway("memory");
    const seen: unknown[] = [];
    const t0 = clock.now();
    fairway.createFunction(
      { id: "f", debounce: { period: "10s", timeout: "25s" } },
      { event: "e" },
      ({ event }) => {
        seen.push([event.data.n, clock.now() - t0]);
      },
    );
    await fairway.send({ name: "e", data: { n: 1 }, ts: t0 });
    await clock.advance("5s");
    await fairway.send({ name: "e", data: { n: 0 }, ts: t0 - 1000 });
    await clock.advance("5s");
    expect(seen).toEqual([[1, 10000]]);
    for (let i = 2; i < 10; i++) {
      await fairway.send({ name: "e", data: { n: i } });
      await clock.advance("8s");
    }
    expect(seen[1]).toEqual([5, 35000]);
    await fairway.close();
  });

  it("priority: bad values warn and count as 0; clamped", async () => {
    const { fairway, clock } = makeFairway("memory");
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "f", concurrency: 1, priority: { run: "event.data.p" } },
      { event: "e" },
      gate.handler,
    );
    await fairway.send({ name: "e", data: { p: 0, user: "first" } });
    await clock.advance(0);
    await fairway.send({ name: "e", data: { p: "high", user: "str" } });
    await clock.advance(1000);
    await fairway.send({ name: "e", data: { p: 100000, user: "big" } });
    await clock.advance(1000);
    await fairway.send({ name: "e", data: { user: "missing" } });
    await clock.advance(1000);
    await fairway.send({ name: "e", data: { p: -100000, user: "neg" } });
    await clock.advance(1000);
    await fairway.send({ name: "e", data: { p: 1.5, user: "float" } });
    await clock.advance(0);
    const order: string[] = [];
    fairway.onRunEvent(() => {});
    const { runs } = await fairway.listRuns({ functionId: "f" });
    const byId = new Map(runs.map((r) => [r.id, r.events[0]?.data.user]));
    await gate.drain(() => clock.advance(0));
    for (const id of gate.started) order.push(String(byId.get(id)));
    expect(order).toEqual(["first", "big", "str", "missing", "float", "neg"]);
    const warned = runs
      .filter((r) => r.warnings?.length)
      .map((r) => r.events[0]?.data.user)
      .sort();
    expect(warned).toEqual(expect.arrayContaining(["missing", "str"]));
    expect(warned).not.toContain("float");
    await fairway.close();
  });

  it("cancelOn: an event sent before the trigger does not cancel; cancelled run starts no further step", async () => {
    const { fairway, clock } = makeFairway("memory");
    const steps: string[] = [];
    fairway.createFunction(
      { id: "f", cancelOn: [{ event: "stop", match: "data.id" }] },
      { event: "e" },
      async ({ step }) => {
        await step.run("a", () => steps.push("a"));
        await step.sleep("s", "1m");
        await step.run("b", () => steps.push("b"));
      },
    );
    await fairway.send({ name: "stop", data: { id: 1 } });
    await fairway.send({ name: "e", data: { id: 1 } });
    await clock.advance(0);
    await clock.advance("1m");
    expect(steps).toEqual(["a", "b"]);
    await fairway.send({ name: "e", data: { id: 2 } });
    await clock.advance(0);
    await fairway.send({ name: "stop", data: { id: 2 } });
    await clock.advance("1m");
    expect(steps).toEqual(["a", "b", "a"]);
    expect(await statuses(fairway, "f")).toEqual(["completed", "cancelled"]);
    await fairway.close();
  });

  // Memory and SQLite: the cancel is queued before the woken run's claim, in one writer's order. On
  // PostgreSQL they are separate transactions on separate connections, which the database may order either way.
  it.each(["memory", "sqlite"] as const)(
    "cancelOn and a wait on the same event (%s): the run is cancelled, the handler goes no further than the wait",
    async (kind) => {
      const { fairway, clock } = makeFairway(kind);
      const after: string[] = [];
      fairway.createFunction({ id: "f", cancelOn: [{ event: "stop" }] }, { event: "e" }, async ({ step }) => {
        await step.waitForEvent("w", { event: "stop", timeout: "1h" });
        after.push("past the wait");
      });
      await fairway.send({ name: "e" });
      await clock.advance(0);
      await fairway.send({ name: "stop" });
      await clock.advance(0);
      expect(await statuses(fairway, "f")).toEqual(["cancelled"]);
      expect(after).toEqual([]);
      await fairway.close();
    },
  );
});

describe("flow config errors name the path", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["conc 0", { concurrency: 0 }, "concurrency"],
    ["conc 1.5", { concurrency: 1.5 }, "concurrency"],
    ["conc string", { concurrency: "5" }, "concurrency"],
    ["conc []", { concurrency: [] }, "concurrency"],
    ["conc 3", { concurrency: [1, 2, 3] }, "concurrency"],
    ["conc list number", { concurrency: [{ limit: 2 }, 0] }, "concurrency[1]"],
    ["conc env no key", { concurrency: [{ limit: 2 }, { limit: 1, scope: "env" }] }, "concurrency[1].key"],
    [
      "conc bad scope",
      { concurrency: { limit: 2, scope: "global", key: "event.data.a" } },
      "concurrency.scope",
    ],
    ["conc bad key", { concurrency: [{ limit: 1 }, { limit: 2, key: "event.data." }] }, "concurrency[1].key"],
    ["throttle period 0.5s", { throttle: { limit: 1, period: "0.5s" } }, "throttle.period"],
    ["throttle period 999", { throttle: { limit: 1, period: 999 } }, "throttle.period"],
    ["throttle period 8d", { throttle: { limit: 1, period: "8d" } }, "throttle.period"],
    ["throttle period neg", { throttle: { limit: 1, period: -1000 } }, "throttle.period"],
    ["throttle period garbage", { throttle: { limit: 1, period: "soon" } }, "throttle.period"],
    ["throttle burst -1", { throttle: { limit: 1, period: "1s", burst: -1 } }, "throttle.burst"],
    ["throttle limit 0", { throttle: { limit: 0, period: "1s" } }, "throttle.limit"],
    ["throttle missing period", { throttle: { limit: 1 } }, "throttle.period"],
    ["rate period 25h", { rateLimit: { limit: 1, period: "25h" } }, "rateLimit.period"],
    ["rate limit 0", { rateLimit: { limit: 0, period: "1h" } }, "rateLimit.limit"],
    ["debounce 0.5s", { debounce: { period: "500ms" } }, "debounce.period"],
    ["debounce 8d", { debounce: { period: "8d" } }, "debounce.period"],
    ["debounce timeout 0", { debounce: { period: "1s", timeout: 0 } }, "debounce.timeout"],
    ["batch maxSize 1", { batchEvents: { maxSize: 1, timeout: "1s" } }, "batchEvents.maxSize"],
    ["batch timeout 61s", { batchEvents: { maxSize: 2, timeout: "61s" } }, "batchEvents.timeout"],
    [
      "batch + debounce",
      { batchEvents: { maxSize: 2, timeout: "1s" }, debounce: { period: "1s" } },
      "batchEvents",
    ],
    ["singleton mode", { singleton: { mode: "queue" } }, "singleton.mode"],
    ["cancelOn 6", { cancelOn: Array(6).fill({ event: "x" }) }, "cancelOn"],
    [
      "cancelOn if+match",
      { cancelOn: [{ event: "x" }, { event: "y", if: "true", match: "data.a" }] },
      "cancelOn[1].match",
    ],
    ["timeouts 0", { timeouts: { start: 0 } }, "timeouts.start"],
    ["priority bad", { priority: { run: "(" } }, "priority.run"],
    ["priority unknown", { priority: { run: "1", x: 1 } }, "priority.x"],
    ["idempotency empty", { idempotency: "" }, "idempotency"],
    ["idempotency number", { idempotency: 5 }, "idempotency"],
    ["throttle NaN", { throttle: { limit: 1, period: Number.NaN } }, "throttle.period"],
    ["throttle Infinity", { throttle: { limit: Number.POSITIVE_INFINITY, period: "1s" } }, "throttle.limit"],
  ];
  it.each(cases)("%s", (_name, config, path) => {
    const { fairway } = makeFairway("memory");
    let error: unknown;
    try {
      fairway.createFunction({ id: "f", ...config } as never, { event: "e" }, () => {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
  });
  it.each([
    [
      "string durations",
      { throttle: { limit: 1, period: "1 minute" }, debounce: { period: 1000, timeout: "7d" } },
    ],
    ["limits", { concurrency: [{ limit: 1_000_000 }, { limit: 1, key: "event.data.a", scope: "env" }] }],
  ])("accepts %s", (_n, config) => {
    const { fairway } = makeFairway("memory");
    expect(() =>
      fairway.createFunction({ id: "f", ...config } as never, { event: "e" }, () => {}),
    ).not.toThrow();
  });
});
