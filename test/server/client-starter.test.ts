/*
 * A failed start is one warning line naming the cause and the next try (a new user found the 25-line stack
 * trace logged per attempt noisy while the database was away); the full error goes to the debug level. And
 * the starter tells where the start stands, which `GET /api/health` reports.
 */
import { describe, expect, it } from "vitest";
import { causeText } from "../../src/errors/cause-text.js";
import { ClosedError, StoreError } from "../../src/errors/index.js";
import { startClient } from "../../src/server/client-starter.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { unreachableStoreError } from "../helpers/unreachable-store-error.js";
import { memoryLogger } from "./helpers/test-server.js";

/** A client whose `start()` answers with `outcomes` in turn (an Error rejects), and its clock. */
function fakeClient(outcomes: Array<Error | undefined>) {
  const clock = new FakeClock();
  let calls = 0;
  const start = () => {
    const outcome = outcomes[calls++];
    return outcome ? Promise.reject(outcome) : Promise.resolve();
  };
  return { clock, start, calls: () => calls };
}

const unreachable = () => unreachableStoreError("init", 5, 5432);

describe("startClient", () => {
  it("logs one warning line per failed attempt with the cause and the next delay; the full error only at debug", async () => {
    const client = fakeClient([unreachable(), unreachable(), undefined]);
    const logger = memoryLogger();
    const starter = startClient(client, logger);
    await client.clock.advance(0);
    await client.clock.advance(1000);
    await client.clock.advance(2000);
    expect(starter.state()).toEqual({ phase: "started" });
    const warnings = logger.entries.filter((entry) => entry.level === "warn");
    expect(warnings).toEqual([
      {
        level: "warn",
        message:
          "could not start the client (open the store, resume runs): PostgreSQL store: init failed: the database is unreachable or busy (5 tries): connect ECONNREFUSED 127.0.0.1:5432; retrying in 1 s",
        fields: { failures: 1, delayMs: 1000 },
      },
      expect.objectContaining({ message: expect.stringMatching(/; retrying in 2 s$/) }),
      // The start that succeeds after failures says so once, at the level of the failures (the default
      // logger drops info: a user would see the warnings and never the recovery).
      { level: "warn", message: "started the client (failed attempts before: 2)", fields: { failures: 2 } },
    ]);
    const debug = logger.entries.filter((entry) => entry.level === "debug");
    expect(debug).toHaveLength(2);
    expect(debug[0]?.fields?.error).toBeInstanceOf(StoreError);
    expect(logger.entries.filter((entry) => entry.level === "error" || entry.level === "info")).toEqual([]);
  });

  it("logs nothing when the first attempt starts the client", async () => {
    const client = fakeClient([undefined]);
    const logger = memoryLogger();
    const starter = startClient(client, logger);
    await client.clock.advance(0);
    expect(starter.state()).toEqual({ phase: "started" });
    expect(logger.entries).toEqual([]);
  });

  it("tells where the start stands: starting, retrying until when, started", async () => {
    const client = fakeClient([unreachable(), undefined]);
    const starter = startClient(client, memoryLogger());
    const first = starter.state();
    expect(first.phase).toBe("starting");
    if (first.phase === "starting") await first.settled;
    expect(starter.state()).toEqual({
      phase: "retrying",
      error: expect.any(StoreError),
      failures: 1,
      retryAt: client.clock.now() + 1000,
    });
    await client.clock.advance(999);
    expect(client.calls()).toBe(1);
    await client.clock.advance(1);
    expect(client.calls()).toBe(2);
    expect(starter.state()).toEqual({ phase: "started" });
  });

  it("stop() cancels the pending retry; a closed client stops it without a warning", async () => {
    const stopped = fakeClient([unreachable()]);
    const starter = startClient(stopped, memoryLogger());
    await stopped.clock.advance(0);
    starter.stop();
    expect(starter.state()).toEqual({ phase: "stopped" });
    await stopped.clock.advance("1m");
    expect(stopped.calls()).toBe(1);

    const closed = fakeClient([new ClosedError("start")]);
    const logger = memoryLogger();
    const closing = startClient(closed, logger);
    await closed.clock.advance("1m");
    expect(closing.state()).toEqual({ phase: "stopped" });
    expect(closed.calls()).toBe(1);
    expect(logger.entries).toEqual([]);
  });
});

describe("causeText", () => {
  it("is the message on one line, with a driver's code the message does not name", () => {
    const refused = Object.assign(new AggregateError([], ""), { code: "ECONNREFUSED" });
    expect(causeText(refused)).toBe("AggregateError (ECONNREFUSED)");
    const restart = Object.assign(new Error("terminating connection\ndue to administrator command"), {
      code: "57P01",
    });
    expect(causeText(restart)).toBe("terminating connection due to administrator command (57P01)");
    expect(causeText(Object.assign(new Error("connect ECONNREFUSED ::1"), { code: "ECONNREFUSED" }))).toBe(
      "connect ECONNREFUSED ::1",
    );
    expect(
      causeText(new StoreError("The store failed (SQLITE_BUSY) in ping; retry later.", { retryable: true })),
    ).toBe("The store failed (SQLITE_BUSY) in ping; retry later.");
    expect(causeText("down")).toBe("down");
  });
});
