import { afterEach, describe, expect, it } from "vitest";
import { type ConcurrencyLimitInput, Fairway, type HandlerContext } from "../../src/index.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../helpers/postgres.js";
import { eventsFor, gatedHandler, statuses } from "./engine-helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/**
 * Two Fairway clients of one app (two workers) on one fresh PostgreSQL schema and one fake clock, started
 * before any run exists. In one process the engine takes a lease of another owner id with its own pid for a
 * crashed earlier instance (`isDeadLocalOwner`, what the in-process restart tests use), so each worker's
 * sweep is kept out of the test's time span (`sweepMs`): each executes the runs it accepted, and only the
 * claim's admission stands between them.
 */
async function twoWorkers(): Promise<{ workers: [Fairway, Fairway]; clock: FakeClock }> {
  const schema = uniqueSchema("workers");
  const clock = new FakeClock();
  const worker = () =>
    new Fairway({
      id: "test",
      store: new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 }),
      clock,
      logger: silent,
      retryBackoffScale: 0,
      limitsRefreshMs: 0,
      sweepMs: 3_600_000,
    });
  const workers: [Fairway, Fairway] = [worker(), worker()];
  cleanup.push(async () => {
    await Promise.all(workers.map((fairway) => fairway.close()));
    await dropSchema(schema);
  });
  return { workers, clock };
}

/** Defines `f` on both workers with `concurrency`, then starts them. */
async function defineAndStart(
  workers: [Fairway, Fairway],
  concurrency: ConcurrencyLimitInput | ConcurrencyLimitInput[],
  handler: (context: HandlerContext) => Promise<unknown>,
): Promise<void> {
  for (const fairway of workers) fairway.createFunction({ id: "f", concurrency }, { event: "e" }, handler);
  await Promise.all(workers.map((fairway) => fairway.start()));
}

describe("concurrency across two workers on one PostgreSQL schema (decided in the claim)", () => {
  it("per-key limit 1: never two runs of a key at once, though each worker would start one", async () => {
    const { workers, clock } = await twoWorkers();
    const gate = gatedHandler();
    await defineAndStart(workers, { limit: 1, key: "event.data.user" }, gate.handler);
    // Each worker accepts runs of both keys, so each one's in-memory limit alone would start one per key.
    await workers[0].send([...eventsFor("e", "a", 3), ...eventsFor("e", "b", 3)]);
    await workers[1].send([...eventsFor("e", "a", 3), ...eventsFor("e", "b", 3)]);
    await clock.advance(0);
    expect(gate.activeOf("a")).toBe(1);
    expect(gate.activeOf("b")).toBe(1);
    for (let round = 0; round < 100 && gate.started.length < 12; round++) {
      if (gate.active() > 0) gate.release();
      await clock.advance(25);
      expect(gate.activeOf("a")).toBeLessThanOrEqual(1);
      expect(gate.activeOf("b")).toBeLessThanOrEqual(1);
    }
    await gate.drain(() => clock.advance(25));
    expect(gate.peakOf("a")).toBe(1);
    expect(gate.peakOf("b")).toBe(1);
    expect(gate.started).toHaveLength(12);
    expect(await statuses(workers[0], "f")).toEqual(Array(12).fill("completed"));
  });

  it("function-wide limit 2 with a per-key limit 2: at most 2 runs of the function across both workers", async () => {
    const { workers, clock } = await twoWorkers();
    const gate = gatedHandler();
    await defineAndStart(workers, [{ limit: 2 }, { limit: 2, key: "event.data.user" }], gate.handler);
    await workers[0].send(["a", "b", "c"].flatMap((user) => eventsFor("e", user, 2)));
    await workers[1].send(["a", "b", "c"].flatMap((user) => eventsFor("e", user, 2)));
    await clock.advance(0);
    expect(gate.active()).toBe(2);
    for (let round = 0; round < 100 && gate.started.length < 12; round++) {
      if (gate.active() > 0) gate.release();
      await clock.advance(25);
      expect(gate.active()).toBeLessThanOrEqual(2);
    }
    await gate.drain(() => clock.advance(25));
    expect(gate.peak).toBe(2);
    expect(gate.started).toHaveLength(12);
    expect(await statuses(workers[1], "f")).toEqual(Array(12).fill("completed"));
  });
});
