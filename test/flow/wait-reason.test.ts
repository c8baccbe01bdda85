import { describe, expect, it } from "vitest";
import { FairScheduler } from "../../src/flow/fair-scheduler.js";
import { keyedStart } from "./keyed-items.js";

describe("why a start waited", () => {
  it("a run held by a full concurrency key gets that key, its slots in use and its limit; one that never waited gets none", () => {
    const scheduler = new FairScheduler();
    scheduler.enqueue(keyedStart("a1", "a"));
    scheduler.enqueue(keyedStart("a2", "a"));
    scheduler.enqueue(keyedStart("b1", "b"));
    const first = [scheduler.next(0), scheduler.next(0)];
    expect(first.map((item) => [item?.runId, item?.waitReason])).toEqual([
      ["a1", undefined],
      ["b1", undefined],
    ]);
    expect(scheduler.next(0)).toBeUndefined();
    // A run arriving while its backlog is parked waits for the same reason.
    scheduler.enqueue(keyedStart("a3", "a"));
    scheduler.release("a1");
    expect(scheduler.next(0)).toMatchObject({ runId: "a2", waitReason: 'concurrency key "a" at 1/1' });
    scheduler.release("a2");
    expect(scheduler.next(0)).toMatchObject({ runId: "a3", waitReason: 'concurrency key "a" at 1/1' });
  });

  it("an unkeyed limit and a throttle are named too", () => {
    const scheduler = new FairScheduler();
    const fnWide = (runId: string) => keyedStart(runId, "x", { claims: [{ id: "fn:fn", limit: 1 }] });
    scheduler.enqueue(fnWide("f1"));
    scheduler.enqueue(fnWide("f2"));
    scheduler.next(0);
    expect(scheduler.next(0)).toBeUndefined();
    scheduler.release("f1");
    expect(scheduler.next(0)?.waitReason).toBe("concurrency limit fn:fn at 1/1");

    const throttled = (runId: string) =>
      keyedStart(runId, "t", {
        claims: [],
        throttle: { id: "fn:t", limit: 1, periodMs: 60_000, burst: 0, keyValue: "t" },
      });
    scheduler.enqueue(throttled("t1"));
    scheduler.enqueue(throttled("t2"));
    expect(scheduler.next(0)?.runId).toBe("t1");
    expect(scheduler.next(0)).toBeUndefined();
    expect(scheduler.next(60_000)).toMatchObject({ runId: "t2", waitReason: 'throttle "t": 1 per 60000 ms' });
  });
});
