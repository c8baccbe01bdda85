import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors/index.js";
import { MemoryStore } from "../../src/store/memory/index.js";
import { makeFairway, storeKinds } from "../engine/helpers.js";
import { eventsFor, gatedHandler, statuses } from "./engine-helpers.js";

describe.each(storeKinds)("throttle and rate limit through the engine (%s store)", (kind) => {
  it("throttle: limit + burst start at once, then one per period/limit; none dropped", async () => {
    const { fairway, clock } = makeFairway(kind);
    const starts: number[] = [];
    const t0 = clock.now();
    fairway.createFunction(
      { id: "f", throttle: { limit: 2, period: "6s", burst: 1 } },
      { event: "e" },
      () => {
        starts.push(clock.now() - t0);
      },
    );
    await fairway.send(eventsFor("e", undefined, 6));
    await clock.advance(0);
    expect(starts).toEqual([0, 0, 0]);
    expect(fairway.flowState("f")).toEqual([
      { functionId: "f", key: "", queued: 3, running: 0, throttled: 3 },
    ]);
    await clock.advance(2999);
    expect(starts).toHaveLength(3);
    await clock.advance("10s");
    expect(starts).toEqual([0, 0, 0, 3000, 6000, 9000]);
    expect(await statuses(fairway, "f")).toEqual(Array(6).fill("completed"));
    await fairway.close();
  });

  it("throttle: each key has its own budget, FIFO within a key", async () => {
    const { fairway, clock } = makeFairway(kind);
    const starts: string[] = [];
    fairway.createFunction(
      { id: "f", throttle: { limit: 1, period: "1s", key: "event.data.user" } },
      { event: "e" },
      ({ event }) => {
        starts.push(`${event.data.user}${event.data.i}`);
      },
    );
    await fairway.send([...eventsFor("e", "a", 3), ...eventsFor("e", "b", 2)]);
    await clock.advance(0);
    expect(starts.sort()).toEqual(["a0", "b0"]);
    await clock.advance("1s");
    expect(starts.slice(2).sort()).toEqual(["a1", "b1"]);
    await clock.advance("1s");
    expect(starts.slice(4)).toEqual(["a2"]);
    await fairway.close();
  });

  it.each([1, 5, 9, 10, 11])(
    "rate limit %i per 24h: exactly that many at once, the rest skipped",
    async (limit) => {
      const { fairway, clock } = makeFairway(kind);
      let calls = 0;
      fairway.createFunction(
        { id: "f", rateLimit: { limit, period: "24h", key: "event.data.user" } },
        { event: "e" },
        () => {
          calls += 1;
        },
      );
      const skipped: string[] = [];
      fairway.onRunEvent((event) => {
        if (event.type === "run.skipped") skipped.push(event.runId);
      });
      await fairway.send([...eventsFor("e", "a", limit + 2), ...eventsFor("e", "b", 1)]);
      await clock.advance(0);
      expect(calls).toBe(limit + 1);
      expect(skipped).toHaveLength(2);
      const { runs } = await fairway.listRuns({ functionId: "f", status: "skipped" });
      expect(runs).toHaveLength(2);
      expect(runs[0]?.skipReason).toContain(`rateLimit: ${limit} runs per 86400000 ms reached for key "a"`);
      await clock.advance("23h");
      await fairway.send(eventsFor("e", "a", 1));
      await clock.advance(0);
      expect(calls).toBe(limit + 1);
      await clock.advance("1h");
      await fairway.send(eventsFor("e", "a", 1));
      await clock.advance(0);
      expect(calls).toBe(limit + 2);
      await fairway.close();
    },
  );

  it("idempotency: one run per key per 24 h, the others recorded as skipped", async () => {
    const { fairway, clock } = makeFairway(kind);
    let calls = 0;
    fairway.createFunction({ id: "f", idempotency: "event.data.order" }, { event: "e" }, () => {
      calls += 1;
    });
    await fairway.send([
      { name: "e", data: { order: 1 } },
      { name: "e", data: { order: 1 } },
      { name: "e", data: { order: 2 } },
    ]);
    await Promise.all([
      fairway.send({ name: "e", data: { order: 3 } }),
      fairway.send({ name: "e", data: { order: 3 } }),
    ]);
    await clock.advance(0);
    expect(calls).toBe(3);
    expect(await statuses(fairway, "f")).toEqual([
      "completed",
      "skipped",
      "completed",
      "completed",
      "skipped",
    ]);
    await clock.advance("24h");
    await fairway.send({ name: "e", data: { order: 1 } });
    await clock.advance(0);
    expect(calls).toBe(4);
    await fairway.close();
  });
});

/** Runs that end up skipped must not count against rate-limit or idempotency windows. */
describe.each(storeKinds)("admission windows count only created runs (%s store)", (kind) => {
  it("rateLimit + idempotency: a duplicate skipped by idempotency uses no rate-limit slot", async () => {
    const { fairway, clock } = makeFairway(kind);
    let calls = 0;
    fairway.createFunction(
      { id: "f", rateLimit: { limit: 2, period: "1h" }, idempotency: "event.data.order" },
      { event: "e" },
      () => {
        calls += 1;
      },
    );
    await fairway.send([
      { name: "e", data: { order: 1 } },
      { name: "e", data: { order: 1 } },
      { name: "e", data: { order: 2 } },
    ]);
    await clock.advance(0);
    expect(calls).toBe(2);
    await fairway.close();
  });

  it("rateLimit: a run deduplicated by its event id is never created, so it uses no rate-limit slot", async () => {
    const { fairway, clock } = makeFairway(kind);
    let calls = 0;
    fairway.createFunction({ id: "f", rateLimit: { limit: 2, period: "1h" } }, { event: "e" }, () => {
      calls += 1;
    });
    await fairway.send({ name: "e", id: "order-1", data: {} });
    await fairway.send({ name: "e", id: "order-1", data: {} });
    await fairway.send({ name: "e", id: "order-2", data: {} });
    await clock.advance(0);
    expect(calls).toBe(2);
    expect(await statuses(fairway, "f")).toEqual(["completed", "completed"]);
    await fairway.close();
  });

  it("rateLimit + singleton skip: a run skipped by singleton uses no rate-limit slot", async () => {
    const { fairway, clock } = makeFairway(kind);
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "f", rateLimit: { limit: 2, period: "1h" }, singleton: { mode: "skip" } },
      { event: "e" },
      gate.handler,
    );
    await fairway.send(eventsFor("e", undefined, 2));
    await clock.advance(0);
    expect(gate.active()).toBe(1);
    await gate.drain(() => clock.advance(0));
    await fairway.send(eventsFor("e", undefined, 1));
    await clock.advance(0);
    expect(await statuses(fairway, "f")).toEqual(["completed", "skipped", "running"]);
    await gate.drain(() => clock.advance(0));
    await fairway.close();
  });
});

describe("a debounced event counted in the rate limit whose send failed", () => {
  it("is taken back out of the window: the next event joins the debounce (memory store whose write fails once)", async () => {
    const memory = new MemoryStore();
    let failNext = true;
    const store = new Proxy(memory, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (typeof value !== "function") return value;
        if (key !== "acceptEvents") return value.bind(target);
        return async (...args: unknown[]) => {
          if (failNext) {
            failNext = false;
            throw new StoreError("write refused (test)", { retryable: true });
          }
          return value.apply(target, args);
        };
      },
    });
    const { fairway, clock } = makeFairway("memory", { store });
    const ran: unknown[] = [];
    fairway.createFunction(
      { id: "f", debounce: { period: "1s" }, rateLimit: { limit: 1, period: "1m" } },
      { event: "e" },
      ({ event }) => {
        ran.push(event.data.i);
      },
    );
    await fairway.start();
    await expect(fairway.send({ name: "e", data: { i: 0 } })).rejects.toBeInstanceOf(StoreError);
    await fairway.send({ name: "e", data: { i: 1 } });
    await clock.advance("1s");
    await clock.advance(0);
    expect(ran).toEqual([1]);
    expect(await statuses(fairway, "f")).toEqual(["completed"]);
    await fairway.close();
  });
});
