import { describe, expect, it } from "vitest";
import { backlogKey, type ReadyItem } from "../../src/engine/ready-queue.js";
import { WakeTimers } from "../../src/engine/wake-timers.js";
import { FakeClock } from "../../src/testing/fake-clock.js";

const item = (runId: string): ReadyItem => ({
  runId,
  functionId: "fn",
  backlogKey: backlogKey("fn"),
  createdAt: 0,
  score: 0,
  resume: false,
  backlogged: false,
});

describe("backlogKey", () => {
  it("keeps function and key apart", () => {
    expect(backlogKey("a", "b:c")).not.toBe(backlogKey("a:b", "c"));
    expect(backlogKey("fn")).toBe(backlogKey("fn", ""));
  });
});

describe("WakeTimers", () => {
  it("hands over due runs in wake-up order; a reschedule replaces, a cancel drops", async () => {
    const clock = new FakeClock(0);
    const due: string[][] = [];
    const timers = new WakeTimers(clock, (items) => due.push(items.map((entry) => entry.runId)));
    timers.schedule(item("late"), 300);
    timers.schedule(item("moved"), 50);
    timers.schedule(item("early"), 100);
    timers.schedule(item("gone"), 100);
    timers.schedule(item("moved"), 200);
    timers.cancel("gone");
    expect(timers.size()).toBe(3);
    await clock.advance(100);
    expect(due).toEqual([["early"]]);
    await clock.advance(250);
    expect(due).toEqual([["early"], ["moved"], ["late"]]);
    expect(timers.size()).toBe(0);
    expect(clock.pending()).toBe(0);
  });
});
