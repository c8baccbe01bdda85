import { describe, expect, it } from "vitest";
import { formatOverrides, limitsSetCommand } from "../../src/cli/commands/limits.js";
import { ConfigError } from "../../src/errors/index.js";

describe("fairway limits, in process", () => {
  it("refuses a throttle or rate flag without its pair before any request (number flags: integer-flags.test.ts)", async () => {
    const url = "http://127.0.0.1:9";
    await expect(limitsSetCommand("chat", "u1", { url, throttleLimit: 2 })).rejects.toMatchObject({
      path: "--throttle-period",
    });
    await expect(limitsSetCommand("chat", "u1", { url, ratePeriod: "1h" })).rejects.toMatchObject({
      path: "--rate-limit",
    });
    await expect(limitsSetCommand("chat", "u1", { url, ratePeriod: "1h" })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it("formats overrides with every limit kind", () => {
    const table = formatOverrides([
      {
        functionId: "chat",
        key: "org 1",
        concurrency: { limit: 4, key: "event.data.org" },
        throttle: { limit: 10, periodMs: 60_000, burst: 2 },
        rateLimit: { limit: 100, periodMs: 3_600_000 },
        updatedAt: Date.UTC(2030, 0, 1),
      },
    ]).split("\n");
    expect(table[1]).toMatch(
      /^chat\s+org 1\s+4 \(event\.data\.org\)\s+10\/60000 ms \+2\s+100\/3600000 ms\s+2030-01-01 00:00:00$/,
    );
  });
});
