import { describe, expect, it } from "vitest";
import { FairScheduler } from "../../src/flow/fair-scheduler.js";
import type { QueueItem } from "../../src/flow/queue-item.js";

function start(runId: string, throttleKey: string): QueueItem {
  return {
    runId,
    functionId: "fn",
    kind: "start",
    createdAt: 0,
    claims: [],
    key: throttleKey,
    throttle: { id: `fn:${throttleKey}`, limit: 1, periodMs: 1000, burst: 0 },
  };
}

describe("FairScheduler throttle state (review)", () => {
  it("forgets a throttle key once it is idle again, so memory follows active keys only", () => {
    const s = new FairScheduler();
    for (let i = 0; i < 1000; i++) s.enqueue(start(`r${i}`, `user-${i}`));
    for (let next = s.next(0); next; next = s.next(0)) s.release(next.runId);
    expect(s.throttleKeyCount).toBe(1000);
    // One period later every key is idle (its next start would be allowed as from idle).
    s.enqueue(start("late", "user-late"));
    expect(s.next(1000)?.runId).toBe("late");
    expect(s.throttleKeyCount).toBe(1);
  });

  it("forgetting an idle key does not change its decisions", () => {
    const s = new FairScheduler();
    const throttle = { id: "fn", limit: 2, periodMs: 6000, burst: 1 };
    const run = (id: string): QueueItem => ({ ...start(id, "k"), throttle });
    const dispatch = (now: number) => {
      const out: string[] = [];
      for (let next = s.next(now); next; next = s.next(now)) {
        out.push(next.runId);
        s.release(next.runId);
      }
      return out;
    };
    for (let i = 0; i < 4; i++) s.enqueue(run(`a${i}`));
    expect(dispatch(0)).toEqual(["a0", "a1", "a2"]);
    expect(dispatch(3000)).toEqual(["a3"]);
    // Idle from 6 s on (TAT = 12 s − tolerance): a full burst again at 20 s.
    for (let i = 0; i < 4; i++) s.enqueue(run(`b${i}`));
    expect(dispatch(20_000)).toEqual(["b0", "b1", "b2"]);
    expect(dispatch(22_999)).toEqual([]);
    expect(dispatch(23_000)).toEqual(["b3"]);
  });
});
