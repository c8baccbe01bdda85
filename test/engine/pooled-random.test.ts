import { monotonicFactory } from "ulid";
import { describe, expect, it } from "vitest";
import { pooledRandom } from "../../src/engine/pooled-random.js";

describe("pooledRandom", () => {
  it("returns fractions in [0, 1) in steps of 1/256, past several refills of its pool", () => {
    const next = pooledRandom(8);
    const values = Array.from({ length: 16_384 }, next);
    for (const value of values) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      expect(Number.isInteger(value * 256)).toBe(true);
    }
    // 16,384 draws of a uniform byte: every one of the 256 values shows up (missing one: p < 1e-25).
    expect(new Set(values).size).toBe(256);
  });

  it("gives ulid's monotonic factory valid, increasing ids", () => {
    const newId = monotonicFactory(pooledRandom());
    const ids = [newId(1_000), newId(1_000), newId(2_000), newId(3_000)];
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });
});
