import { describe, expect, it } from "vitest";
import { type GcraParams, gcraTake, gcraTatAllowingAt, gcraTatBound } from "../../src/flow/gcra.js";

/** Starts allowed at each tick of `times`, storing the TAT only when allowed (as the scheduler does). */
function admit(params: GcraParams, times: number[]): number[] {
  let tat: number | undefined;
  const allowed: number[] = [];
  for (const now of times) {
    const decision = gcraTake(tat, now, params);
    if (decision.allowed) {
      tat = decision.tat;
      allowed.push(now);
    }
  }
  return allowed;
}

describe("GCRA throttle", () => {
  it.each([
    { limit: 2, periodMs: 6000, burst: 1 },
    { limit: 3, periodMs: 1000, burst: 0 },
  ])("gcraTatAllowingAt(at) makes at the first conforming start (%o)", (params) => {
    const tat = gcraTatAllowingAt(10_000, params);
    expect(gcraTake(tat, 9_999, params)).toEqual({ allowed: false, retryAt: 10_000 });
    expect(gcraTake(tat, 10_000, params)).toMatchObject({ allowed: true });
  });

  it("lets limit + burst start at once from idle, then one per period/limit (docs example)", () => {
    const params = { limit: 2, periodMs: 6000, burst: 1 };
    const allowed = admit(params, [0, 0, 0, 0, 1000, 2999, 3000, 3001, 5999, 6000]);
    expect(allowed).toEqual([0, 0, 0, 3000, 6000]);
  });

  it.each([1, 5, 9, 10, 11])("limit %i with no burst: %i at once, then evenly spaced", (limit) => {
    const params = { limit, periodMs: 60_000, burst: 0 };
    const emission = 60_000 / limit;
    const burst = admit(
      params,
      Array.from({ length: limit + 3 }, () => 0),
    );
    expect(burst).toHaveLength(limit);
    let tat: number | undefined;
    for (let i = 0; i < limit; i++) {
      const decision = gcraTake(tat, 0, params);
      if (!decision.allowed) throw new Error("expected allowed");
      tat = decision.tat;
    }
    const denied = gcraTake(tat, 0, params);
    expect(denied).toEqual({ allowed: false, retryAt: Math.ceil(emission) });
    expect(gcraTake(tat, Math.ceil(emission), params).allowed).toBe(true);
  });

  it("returns to a full burst after an idle period", () => {
    const params = { limit: 3, periodMs: 3000, burst: 0 };
    expect(admit(params, [0, 0, 0, 0, 10_000, 10_000, 10_000, 10_000])).toEqual([
      0, 0, 0, 10_000, 10_000, 10_000,
    ]);
  });

  it("keeps exact spacing when period/limit is fractional", () => {
    const params = { limit: 3, periodMs: 1000, burst: 0 };
    const ticks = Array.from({ length: 3001 }, (_, i) => i);
    const allowed = admit(params, ticks);
    // 3 at t=0, then every 333.3 ms → 334, 667, 1000, ... : 3 per second over 3 s.
    expect(allowed.filter((t) => t <= 3000)).toHaveLength(3 + 9);
  });
});

describe("gcraTatBound", () => {
  const params = { limit: 2, periodMs: 60_000, burst: 0 }; // emission 30 s, tolerance 60 s

  it("is at most what a start at `at` allowed, and what starts before the window could leave", () => {
    expect(gcraTatBound(1_000_000, 0, params)).toBe(60_000);
    expect(gcraTatBound(100_000, 90_000, params)).toBe(130_000);
  });

  it("is ≤ at (idle, exact replay) when the window start is a tolerance or more before `at`", () => {
    expect(gcraTatBound(100_000, 40_000, params)).toBeLessThanOrEqual(100_000);
  });
});
