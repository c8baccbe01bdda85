import { afterEach, describe, expect, it } from "vitest";
import { gcraTake } from "../../src/flow/gcra.js";
import { Fairway, type FunctionConfig, type HandlerContext } from "../../src/index.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { dropSchema, frozenMonotonic, TEST_DATABASE_URL, uniqueSchema } from "../helpers/postgres.js";
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
      store: new PostgresStore({
        connectionString: TEST_DATABASE_URL,
        schema,
        maxConnections: 2,
        monotonicClock: frozenMonotonic,
      }),
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

/** Defines `f` on both workers with `config` (its flow control), then starts them. */
async function defineAndStart(
  workers: [Fairway, Fairway],
  config: Omit<FunctionConfig, "id">,
  handler: (context: HandlerContext) => Promise<unknown>,
): Promise<void> {
  for (const fairway of workers) fairway.createFunction({ id: "f", ...config }, { event: "e" }, handler);
  await Promise.all(workers.map((fairway) => fairway.start()));
}

describe("concurrency across two workers on one PostgreSQL schema (decided in the claim)", () => {
  it("per-key limit 1: never two runs of a key at once, though each worker would start one", async () => {
    const { workers, clock } = await twoWorkers();
    const gate = gatedHandler();
    await defineAndStart(workers, { concurrency: { limit: 1, key: "event.data.user" } }, gate.handler);
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
    await defineAndStart(
      workers,
      { concurrency: [{ limit: 2 }, { limit: 2, key: "event.data.user" }] },
      gate.handler,
    );
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

/** Statuses of `f`'s runs counted: `{ completed: 3, skipped: 7 }`. */
async function statusCounts(fairway: Fairway): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const status of await statuses(fairway, "f")) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe("throttle, rate limit, idempotency and singleton across two workers on one PostgreSQL schema", () => {
  it("throttle 2 per second: every start the handlers saw conforms to one GCRA across both workers, none dropped", async () => {
    const { workers, clock } = await twoWorkers();
    const throttle = { limit: 2, periodMs: 1000, burst: 0 };
    const startedAt: number[] = [];
    await defineAndStart(workers, { throttle: { limit: 2, period: "1s" } }, async () => {
      startedAt.push(clock.now());
    });
    // Each worker alone would start 2 at once from idle: together they may start only 2.
    await workers[0].send(eventsFor("e", "a", 5));
    await workers[1].send(eventsFor("e", "b", 5));
    for (let round = 0; round < 60 && startedAt.length < 10; round++) await clock.advance(100);
    expect(startedAt).toHaveLength(10);
    let tat: number | undefined;
    for (const at of [...startedAt].sort((x, y) => x - y)) {
      const decision = gcraTake(tat, at, throttle);
      expect(decision, `start at +${at - startedAt[0]!} ms`).toMatchObject({ allowed: true });
      if (decision.allowed) tat = decision.tat;
    }
    expect(await statuses(workers[0], "f")).toEqual(Array(10).fill("completed"));
  });

  it("rate limit 3 per minute: 3 runs across both workers, the other events' runs skipped with the reason", async () => {
    const { workers, clock } = await twoWorkers();
    let ran = 0;
    await defineAndStart(workers, { rateLimit: { limit: 3, period: "1m" } }, async () => {
      ran += 1;
    });
    await Promise.all(workers.map((fairway) => fairway.send(eventsFor("e", "a", 5))));
    await clock.advance(0);
    expect(ran).toBe(3);
    expect(await statusCounts(workers[0])).toEqual({ completed: 3, skipped: 7 });
    const { runs } = await workers[1].listRuns({ functionId: "f", limit: 10 });
    expect(runs.find((run) => run.status === "skipped")?.skipReason).toBe(
      'rateLimit: 3 runs per 60000 ms reached for key ""',
    );
    // The window moves on: a minute later each worker admits again, up to the limit.
    await clock.advance(60_000);
    await Promise.all(workers.map((fairway) => fairway.send(eventsFor("e", "a", 2))));
    await clock.advance(0);
    expect(ran).toBe(6);
  });

  it("idempotency: one run per key across both workers sending it at once", async () => {
    const { workers, clock } = await twoWorkers();
    let ran = 0;
    await defineAndStart(workers, { idempotency: "event.data.user" }, async () => {
      ran += 1;
    });
    await Promise.all(
      workers.map((fairway) => fairway.send([...eventsFor("e", "a", 3), ...eventsFor("e", "b", 3)])),
    );
    await clock.advance(0);
    expect(ran).toBe(2);
    expect(await statusCounts(workers[1])).toEqual({ completed: 2, skipped: 10 });
  });

  it("singleton skip: one active run per key across both workers; the key is free again once it ends", async () => {
    const { workers, clock } = await twoWorkers();
    const gate = gatedHandler();
    await defineAndStart(workers, { singleton: { key: "event.data.user", mode: "skip" } }, gate.handler);
    await Promise.all(workers.map((fairway) => fairway.send(eventsFor("e", "a", 3))));
    await clock.advance(0);
    expect(gate.active()).toBe(1);
    expect(await statusCounts(workers[0])).toEqual({ running: 1, skipped: 5 });
    await gate.drain(() => clock.advance(0));
    // The holder ended on whichever worker ran it: the other worker's next run of the key is admitted.
    await workers[1].send(eventsFor("e", "a", 1));
    await workers[0].send(eventsFor("e", "a", 1));
    await clock.advance(0);
    expect(gate.active()).toBe(1);
    expect(gate.peak).toBe(1);
    await gate.drain(() => clock.advance(0));
    expect(await statusCounts(workers[0])).toEqual({ completed: 2, skipped: 6 });
  });

  it("singleton cancel: a run accepted by the other worker replaces the active one, which is cancelled", async () => {
    const { workers, clock } = await twoWorkers();
    const gate = gatedHandler();
    await defineAndStart(workers, { singleton: { key: "event.data.user", mode: "cancel" } }, gate.handler);
    await workers[0].send(eventsFor("e", "a", 1));
    await clock.advance(0);
    const [first] = gate.activeIds();
    await workers[1].send(eventsFor("e", "a", 1));
    await clock.advance(0);
    expect(await workers[0].getRun(first!)).toMatchObject({ status: "cancelled" });
    await gate.drain(() => clock.advance(0));
    expect(await statusCounts(workers[1])).toEqual({ cancelled: 1, completed: 1 });
  });
});

describe("a debounced function's rate limit and idempotency across two workers (decided with the deferral)", () => {
  /** Events of `user` whose debounce keys are `<prefix>0…`: each would start a debounce of its own. */
  const apart = (prefix: string, user: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: "e", data: { user, key: `${prefix}${i}` } }));

  it("rate limit 3 per minute: 3 debounced runs across both workers, the other events' runs skipped with the reason", async () => {
    const { workers, clock } = await twoWorkers();
    const ran: string[] = [];
    await defineAndStart(
      workers,
      { debounce: { period: "1s", key: "event.data.key" }, rateLimit: { limit: 3, period: "1m" } },
      async ({ event }) => {
        ran.push(String(event.data.key));
      },
    );
    // Each worker's own window admits 3 of its 5 events: one process admits 3 of the 10.
    await Promise.all([workers[0].send(apart("a", "u", 5)), workers[1].send(apart("b", "u", 5))]);
    await clock.advance(1000);
    await clock.advance(0);
    expect(ran).toHaveLength(3);
    expect(await statusCounts(workers[0])).toEqual({ completed: 3, skipped: 7 });
    const { runs } = await workers[1].listRuns({ functionId: "f", status: "skipped", limit: 10 });
    expect(new Set(runs.map((run) => run.skipReason))).toEqual(
      new Set(['rateLimit: 3 runs per 60000 ms reached for key ""']),
    );
    // A minute later the window has room again, for both workers together.
    await clock.advance(60_000);
    await Promise.all([workers[0].send(apart("c", "u", 2)), workers[1].send(apart("d", "u", 2))]);
    await clock.advance(1000);
    await clock.advance(0);
    expect(ran).toHaveLength(6);
  });

  it("idempotency: one debounced run per key across both workers, the other events' runs skipped", async () => {
    const { workers, clock } = await twoWorkers();
    const ran: string[] = [];
    await defineAndStart(
      workers,
      { debounce: { period: "1s", key: "event.data.key" }, idempotency: "event.data.user" },
      async ({ event }) => {
        ran.push(String(event.data.user));
      },
    );
    await Promise.all([
      workers[0].send([...apart("a", "u1", 2), ...apart("c", "u2", 2)]),
      workers[1].send([...apart("b", "u1", 2), ...apart("d", "u2", 2)]),
    ]);
    await clock.advance(1000);
    await clock.advance(0);
    expect(ran.sort()).toEqual(["u1", "u2"]);
    expect(await statusCounts(workers[1])).toEqual({ completed: 2, skipped: 6 });
  });
});
