import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/index.js";

describe("ConfigError names the field, the rule and what it received", () => {
  it.each([
    [-1, "(received -1)"],
    ["7d", '(received "7d")'],
    [Number.NaN, "(received NaN)"],
    [Number.POSITIVE_INFINITY, "(received Infinity)"],
    [Number.NEGATIVE_INFINITY, "(received -Infinity)"],
    [10n, "(received 10)"],
  ])("received %s → %s", (received, shown) => {
    const error = new ConfigError("retention.runsMs", "must be an integer >= 0 (ms)", received);
    expect(error.message).toBe(`retention.runsMs: must be an integer >= 0 (ms) ${shown}`);
    expect(error.path).toBe("retention.runsMs");
  });
});
