import { describe, expect, it } from "vitest";
import { slidingWindowTake } from "../../src/flow/sliding-window.js";
import { WindowLimiter } from "../../src/flow/window-limiter.js";

const HOUR = 3_600_000;

describe("exact sliding-window rate limit", () => {
  it("admits limit:5 per 24h at once, unlike a GCRA (Inngest #1460)", () => {
    const limiter = new WindowLimiter(5, 24 * HOUR);
    const outcomes = Array.from({ length: 7 }, () => limiter.take("k", 0).allowed);
    expect(outcomes).toEqual([true, true, true, true, true, false, false]);
    expect(limiter.take("k", 24 * HOUR - 1)).toEqual({ allowed: false, retryAt: 24 * HOUR });
    expect(limiter.take("k", 24 * HOUR).allowed).toBe(true);
  });

  it.each([1, 5, 9, 10, 11])("limit %i: never more than limit in any window", (limit) => {
    const period = 1000;
    const limiter = new WindowLimiter(limit, period);
    const admitted: number[] = [];
    for (let now = 0; now < 5000; now += 37) {
      for (let burst = 0; burst < 3; burst++) if (limiter.take("k", now).allowed) admitted.push(now);
    }
    for (const start of admitted) {
      const inWindow = admitted.filter((t) => t >= start && t < start + period);
      expect(inWindow.length).toBeLessThanOrEqual(limit);
    }
    // Saturated: every window starting at an admission holds exactly `limit` once warmed up.
    expect(admitted.filter((t) => t < period)).toHaveLength(limit);
  });

  it("gives two keys separate budgets", () => {
    const limiter = new WindowLimiter(1, 1000);
    expect(limiter.take("a", 0).allowed).toBe(true);
    expect(limiter.take("b", 0).allowed).toBe(true);
    expect(limiter.take("a", 1).allowed).toBe(false);
  });

  it("forgets keys whose window has emptied", () => {
    const limiter = new WindowLimiter(1, 1000);
    for (let i = 0; i < 10; i++) limiter.take(`k${i}`, i);
    expect(limiter.keyCount).toBe(10);
    for (let now = 2000; now < 2010; now++) limiter.take("other", now * 1000);
    expect(limiter.keyCount).toBeLessThanOrEqual(2);
  });

  it("slidingWindowTake reports when the key admits again", () => {
    const first = slidingWindowTake([], 100, 2, 1000);
    const second = slidingWindowTake(first.log, 400, 2, 1000);
    const third = slidingWindowTake(second.log, 500, 2, 1000);
    expect(third).toEqual({ allowed: false, retryAt: 1100, log: [100, 400] });
    expect(slidingWindowTake(third.log, 1100, 2, 1000)).toEqual({ allowed: true, log: [400, 1100] });
  });
});
