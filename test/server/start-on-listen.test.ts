/*
 * A server's client starts when the server listens, not at its first request: a standby or restarted worker
 * resumes runs and fires crons though nobody calls it (a new user's standby worker left a dead worker's runs
 * waiting 70 s, until a request reached it).
 */
import { once } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Fairway } from "../../src/fairway.js";
import { createServer, type FairwayServer } from "../../src/server/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { flakyStore } from "./helpers/flaky-store.js";
import { memoryLogger } from "./helpers/test-server.js";

let server: FairwayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("createServer starts its client when it listens", () => {
  it("arms crons and resumes runs with no request: a cron fires a minute after listening", async () => {
    const clock = new FakeClock();
    const fairway = new Fairway({ id: "app", store: "memory", clock, logger: memoryLogger() });
    const tick = fairway.createFunction({ id: "tick" }, { cron: "* * * * *" }, async () => "tick");
    const start = vi.spyOn(fairway, "start");
    server = createServer({ client: fairway, functions: [tick], auth: { signingKey: "k".repeat(24) } });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    expect(start).toHaveBeenCalledTimes(1);
    await start.mock.results[0]?.value;
    await clock.advance("1m");
    // Read after the minute: had the client started only now (this read starts it), no cron would have fired.
    expect((await fairway.listRuns({ functionId: "tick" })).runs).toHaveLength(1);
  });

  it("retries a start that failed (1 s, then 2 s …, on the client's clock) and logs each failure", async () => {
    const clock = new FakeClock();
    const logger = memoryLogger();
    const fairway = new Fairway({ id: "app", store: flakyStore(2).store, clock, logger });
    const start = vi.spyOn(fairway, "start");
    server = createServer({ client: fairway, auth: { signingKey: "k".repeat(24) } });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    await expect(start.mock.results[0]?.value).rejects.toThrow(/unreachable/);
    const warnings = () => logger.entries.filter((entry) => entry.level === "warn");
    expect(warnings().map((entry) => entry.message)).toEqual([
      expect.stringMatching(/^could not start the client .*unreachable.*; retrying in 1 s$/),
    ]);
    await clock.advance(999);
    expect(start).toHaveBeenCalledTimes(1);
    await clock.advance(1);
    expect(start).toHaveBeenCalledTimes(2);
    await expect(start.mock.results[1]?.value).rejects.toThrow(/unreachable/);
    await clock.advance(1999);
    expect(start).toHaveBeenCalledTimes(2);
    await clock.advance(1);
    expect(start).toHaveBeenCalledTimes(3);
    await expect(start.mock.results[2]?.value).resolves.toBeUndefined();
    expect(warnings().map((entry) => entry.message)).toEqual([
      expect.stringMatching(/retrying in 1 s$/),
      expect.stringMatching(/retrying in 2 s$/),
      "started the client (failed attempts before: 2)",
    ]);
  });

  it("with the default logger a failed start prints one line, no stack trace", async () => {
    const printed: unknown[][] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      printed.push(args);
    });
    try {
      const clock = new FakeClock();
      const fairway = new Fairway({ id: "app", store: flakyStore(1).store, clock });
      const start = vi.spyOn(fairway, "start");
      server = createServer({ client: fairway, auth: { signingKey: "k".repeat(24) } });
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      await expect(start.mock.results[0]?.value).rejects.toThrow(/unreachable/);
      await clock.advance(0);
      expect(printed).toEqual([
        [
          "[fairway] could not start the client (open the store, resume runs): PostgreSQL store: init failed: unreachable; retrying in 1 s { failures: 1, delayMs: 1000 }",
        ],
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it("stops retrying when the server closes", async () => {
    const clock = new FakeClock();
    const fairway = new Fairway({ id: "app", store: flakyStore(1).store, clock, logger: memoryLogger() });
    const start = vi.spyOn(fairway, "start");
    server = createServer({ client: fairway, auth: { signingKey: "k".repeat(24) } });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    await expect(start.mock.results[0]?.value).rejects.toThrow(/unreachable/);
    await server.close();
    await clock.advance("1m");
    expect(start).toHaveBeenCalledTimes(1);
  });
});
