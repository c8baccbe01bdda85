/**
 * Event order across workers. `seq` is the order in which events were received (inserted): a transaction
 * that inserts after another committed gets a larger `seq`, so an event sent after a run's trigger was
 * acknowledged is never taken for older than the run, whichever worker stores it and however long an older
 * transaction stays open. An event whose send overlapped the trigger's and was inserted first is older, for
 * the wait's registration and for the sender's offer alike (see `src/store/postgres/ARCHITECTURE.md`,
 * "Event order"). Two Fairway clients on one PostgreSQL schema; worker b's first send is held
 * mid-transaction (a test connection holds the dedup row it claims) while worker a's trigger commits.
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import {
  dropSchema,
  frozenMonotonic,
  lockWaiter,
  TEST_DATABASE_URL,
  uniqueSchema,
} from "../helpers/postgres.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

// Pools of 4: a held transaction, a wait's registration blocked behind it and a send must all get a connection.
const schema = uniqueSchema();
afterEach(async () => {
  await dropSchema(schema);
});

describe("event order on two workers sharing one PostgreSQL schema", () => {
  it("a wait takes the event sent after its trigger was acknowledged, not one received before it", async () => {
    const clock = new FakeClock();
    const workers = ["a", "b"].map(() => {
      const fairway = new Fairway({
        id: "app",
        store: new PostgresStore({
          connectionString: TEST_DATABASE_URL,
          schema,
          maxConnections: 4,
          monotonicClock: frozenMonotonic,
        }),
        clock,
        logger: silent,
      });
      fairway.createFunction({ id: "waiter" }, { event: "start" }, async ({ step }) => {
        const first = await step.waitForEvent("first", { event: "reply", timeout: "1m" });
        const second = await step.waitForEvent("second", { event: "reply", timeout: "1m" });
        return [first?.data ?? null, second?.data ?? null];
      });
      fairway.createFunction({ id: "replied" }, { event: "reply" }, async () => {});
      return fairway;
    });
    const [a, b] = workers as [Fairway, Fairway];
    await Promise.all(workers.map((fairway) => fairway.start()));

    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    const watcher = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await Promise.all([holder.connect(), watcher.connect()]);
    try {
      // The dedup row of b's first send (function "replied", event id "k") is held by an open transaction:
      // that send has inserted its event and waits, uncommitted, while the trigger is sent and acknowledged.
      await holder.query("BEGIN");
      await holder.query(
        `INSERT INTO ${schema}.dedup (function_id, key, expires_at) VALUES ('replied', 'k', 0)`,
      );
      const overlapping = b.send({ name: "reply", id: "k", data: { from: "overlapping" } });
      await lockWaiter(watcher, "INSERT INTO dedup");
      await a.send({ name: "start" });
      // Sent after the trigger was acknowledged. The held send is let go at once: the waiter's registration
      // (an exclusive lock on "reply") may queue behind it, and a later accept's shared lock behind that.
      const after = b.send({ name: "reply", data: { from: "after" } });
      await holder.query("ROLLBACK");
      await Promise.all([overlapping, after]);
      await clock.advance("2m");
      const [waiter] = (await a.listRuns({ functionId: "waiter" })).runs;
      expect(waiter?.status).toBe("completed");
      expect(waiter?.output).toEqual([{ from: "after" }, null]);
      expect((await b.listRuns({ functionId: "replied" })).runs).toHaveLength(2);
    } finally {
      await Promise.all([holder.end(), watcher.end()]);
      await Promise.all(workers.map((fairway) => fairway.close()));
    }
  });
});
