import { describe, expect, it } from "vitest";
import { FairScheduler } from "../../src/flow/fair-scheduler.js";
import type { QueueItem } from "../../src/flow/queue-item.js";

function start(runId: string, user: string, extra: Partial<QueueItem> = {}): QueueItem {
  return {
    runId,
    functionId: "fn",
    kind: "start",
    createdAt: 0,
    claims: [{ id: `fn:fn:u=${user}`, limit: 1, keyExpression: "u", keyValue: user }],
    key: user,
    ...extra,
  };
}

describe("why a start waited", () => {
  it("a run held by a full concurrency key gets that key, its slots in use and its limit; one that never waited gets none", () => {
    const scheduler = new FairScheduler();
    scheduler.enqueue(start("a1", "a"));
    scheduler.enqueue(start("a2", "a"));
    scheduler.enqueue(start("b1", "b"));
    const first = [scheduler.next(0), scheduler.next(0)];
    expect(first.map((item) => [item?.runId, item?.waitReason])).toEqual([
      ["a1", undefined],
      ["b1", undefined],
    ]);
    expect(scheduler.next(0)).toBeUndefined();
    // A run arriving while its backlog is parked waits for the same reason.
    scheduler.enqueue(start("a3", "a"));
    scheduler.release("a1");
    expect(scheduler.next(0)).toMatchObject({ runId: "a2", waitReason: 'concurrency key "a" at 1/1' });
    scheduler.release("a2");
    expect(scheduler.next(0)).toMatchObject({ runId: "a3", waitReason: 'concurrency key "a" at 1/1' });
  });

  it("an unkeyed limit and a throttle are named too", () => {
    const scheduler = new FairScheduler();
    const fnWide = (runId: string) => start(runId, "x", { claims: [{ id: "fn:fn", limit: 1 }] });
    scheduler.enqueue(fnWide("f1"));
    scheduler.enqueue(fnWide("f2"));
    scheduler.next(0);
    expect(scheduler.next(0)).toBeUndefined();
    scheduler.release("f1");
    expect(scheduler.next(0)?.waitReason).toBe("concurrency limit fn:fn at 1/1");

    const throttled = (runId: string) =>
      start(runId, "t", {
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
