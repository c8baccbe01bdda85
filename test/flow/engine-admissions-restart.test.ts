/**
 * Rate-limit and idempotency windows across a restart are rebuilt from the stored admissions, so they count
 * what they counted before it. A debounced function's events count when they join the debounce (their
 * candidate run is never created), not the run the debounce releases; what never counted stays out (a rerun
 * takes no rate-limit slot); an override's longer period counts as far back as before.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { MemoryStore } from "../../src/store/memory/index.js";
import type { Store } from "../../src/store/store.js";
import type { FakeClock } from "../../src/testing/fake-clock.js";
import { tempDir } from "../engine/helpers.js";
import { type DurableLocation, durableLocation, openProcess } from "../helpers/postgres.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A location for `kind`; memory: one MemoryStore every "process" reopens (it outlives the client). */
function locationOf(kind: "memory" | "sqlite" | "postgres"): DurableLocation {
  if (kind !== "memory") return durableLocation(kind, tempDir());
  const store = new MemoryStore();
  return { open: () => store, remove: async () => {} };
}

function app(store: Store | string, clock: FakeClock, ran: unknown[]): Fairway {
  const fairway = keyedApp(store, clock, ran);
  fairway.createFunction(
    { id: "rated", debounce: { period: "10m" }, rateLimit: { limit: 3, period: "1h" } },
    { event: "rated" },
    ({ event }) => {
      ran.push(event.data.n);
    },
  );
  fairway.createFunction(
    { id: "once", debounce: { period: "10m", key: "event.data.user" }, idempotency: "event.data.order" },
    { event: "once" },
    ({ event }) => {
      ran.push(`${event.data.user}:${event.data.order}`);
    },
  );
  fairway.createFunction(
    { id: "plain", rateLimit: { limit: 2, period: "1h" } },
    { event: "plain" },
    ({ event }) => {
      ran.push(`plain:${event.data.n}`);
    },
  );
  return fairway;
}

/** An app with one function, a keyed rate limit of 1 a minute (no other window looks back further). */
function keyedApp(store: Store | string, clock: FakeClock, ran: unknown[]): Fairway {
  const fairway = new Fairway({ id: "app", store, clock, logger: silent });
  fairway.createFunction(
    { id: "keyed", rateLimit: { limit: 1, period: "1m", key: "event.data.user" } },
    { event: "keyed" },
    ({ event }) => {
      ran.push(`keyed:${event.data.user}`);
    },
  );
  return fairway;
}

async function skipReasons(fairway: Fairway, functionId: string): Promise<string[]> {
  const { runs } = await fairway.listRuns({ functionId });
  return runs.flatMap((run) => (run.status === "skipped" ? [run.skipReason ?? ""] : []));
}

describe.each(["memory", "sqlite", "postgres"] as const)("on %s", (kind) => {
  let location: DurableLocation;
  afterEach(async () => {
    await location.remove();
  });

  it("rate limit: events that joined a debounce before a restart still count after it", async () => {
    location = locationOf(kind);
    const ran: unknown[] = [];
    const { store: storeA, clock: clockA } = openProcess(location);
    const t0 = clockA.now();
    const first = app(storeA, clockA, ran);
    await first.start();
    // Three events join (3 of 3 per hour): the debounce releases one run, for the last event.
    for (const n of [1, 2, 3]) await first.send({ name: "rated", data: { n } });
    await clockA.advance("10m");
    expect(ran).toEqual([3]);
    await first.close();

    const { store: storeB, clock: clockB } = openProcess(location, clockA.now() + 60_000);
    const second = app(storeB, clockB, ran);
    await second.start();
    await second.send({ name: "rated", data: { n: 4 } });
    await clockB.advance("10m");
    expect(ran).toEqual([3]);
    expect(await skipReasons(second, "rated")).toEqual([
      'rateLimit: 3 runs per 3600000 ms reached for key ""',
    ]);
    // An hour after the first three joined, the window admits again.
    await clockB.advance(t0 + 3_600_000 - clockB.now());
    await second.send({ name: "rated", data: { n: 5 } });
    await clockB.advance("10m");
    expect(ran).toEqual([3, 5]);
    await second.close();
  });

  it("rate limit: events waiting in a debounce through a restart count after it", async () => {
    location = locationOf(kind);
    const ran: unknown[] = [];
    const { store: storeA, clock: clockA } = openProcess(location);
    const first = app(storeA, clockA, ran);
    await first.start();
    for (const n of [1, 2, 3]) await first.send({ name: "rated", data: { n } });
    await clockA.advance("1m");
    await first.close();

    const { store: storeB, clock: clockB } = openProcess(location, clockA.now());
    const second = app(storeB, clockB, ran);
    await second.start();
    await second.send({ name: "rated", data: { n: 4 } });
    await clockB.advance("10m");
    expect(ran).toEqual([3]);
    expect(await skipReasons(second, "rated")).toHaveLength(1);
    await second.close();
  });

  it("idempotency: a key that joined a debounce before a restart is not accepted again after it", async () => {
    location = locationOf(kind);
    const ran: unknown[] = [];
    const { store: storeA, clock: clockA } = openProcess(location);
    const first = app(storeA, clockA, ran);
    await first.start();
    await first.send({ name: "once", data: { user: "a", order: "o1" } });
    await clockA.advance("1m");
    await first.close();

    const { store: storeB, clock: clockB } = openProcess(location, clockA.now());
    const second = app(storeB, clockB, ran);
    await second.start();
    // Another debounce key, the same order: skipped, so the order runs once.
    await second.send({ name: "once", data: { user: "b", order: "o1" } });
    await clockB.advance("10m");
    expect(ran).toEqual(["a:o1"]);
    expect(await skipReasons(second, "once")).toEqual([
      'idempotency: a run with key "o1" was created in the last 24h',
    ]);
    await second.close();
  });

  it("a rerun takes no rate-limit slot, before a restart or after it", async () => {
    location = locationOf(kind);
    const ran: unknown[] = [];
    const { store: storeA, clock: clockA } = openProcess(location);
    const first = app(storeA, clockA, ran);
    await first.start();
    await first.send({ name: "plain", data: { n: 1 } });
    await clockA.advance(0);
    const [run] = (await first.listRuns({ functionId: "plain" })).runs;
    await first.rerun(run!.id);
    await clockA.advance(0);
    expect(ran).toEqual(["plain:1", "plain:1"]);
    await first.close();

    const { store: storeB, clock: clockB } = openProcess(location, clockA.now());
    const second = app(storeB, clockB, ran);
    await second.start();
    // 1 of 2 taken (the rerun took none): one more is admitted, the next skipped.
    await second.send([
      { name: "plain", data: { n: 2 } },
      { name: "plain", data: { n: 3 } },
    ]);
    await clockB.advance(0);
    expect(ran).toEqual(["plain:1", "plain:1", "plain:2"]);
    expect(await skipReasons(second, "plain")).toHaveLength(1);
    await second.close();
  });

  it("rate limit: a key whose override has a longer period counts its admissions that far back", async () => {
    location = locationOf(kind);
    const ran: unknown[] = [];
    const { store: storeA, clock: clockA } = openProcess(location);
    const first = keyedApp(storeA, clockA, ran);
    await first.start();
    await first.limits.set("keyed", "a", { rateLimit: { limit: 1, period: "1h" } });
    await first.send([
      { name: "keyed", data: { user: "a" } },
      { name: "keyed", data: { user: "b" } },
    ]);
    await clockA.advance(0);
    await first.close();

    // 10 minutes on: past the configured minute, within the override's hour.
    const { store: storeB, clock: clockB } = openProcess(location, clockA.now() + 600_000);
    const second = keyedApp(storeB, clockB, ran);
    await second.start();
    await second.send([
      { name: "keyed", data: { user: "a" } },
      { name: "keyed", data: { user: "b" } },
    ]);
    await clockB.advance(0);
    expect(ran).toEqual(["keyed:a", "keyed:b", "keyed:b"]);
    expect(await skipReasons(second, "keyed")).toEqual([
      'rateLimit: 1 runs per 3600000 ms reached for key "a"',
    ]);
    await second.close();
  });

  it("rate limit: the window outlives the runs retention deletes (runsMs 0), across a restart", async () => {
    location = locationOf(kind);
    const ran: unknown[] = [];
    const retention = { runsMs: 0, intervalMs: 60_000 };
    const open = (at?: number) => {
      const { store, clock } = openProcess(location, at);
      const fairway = new Fairway({ id: "app", store, clock, logger: silent, retention });
      fairway.createFunction(
        { id: "daily", rateLimit: { limit: 1, period: "24h" } },
        { event: "daily" },
        () => {
          ran.push("daily");
        },
      );
      return { fairway, clock };
    };
    const first = open();
    await first.fairway.start();
    await first.fairway.send({ name: "daily", data: {} });
    // The run ended; past the retention margin, a pass deletes it.
    await first.clock.advance("10m");
    expect(ran).toEqual(["daily"]);
    expect((await first.fairway.listRuns({ functionId: "daily" })).runs).toEqual([]);
    await first.fairway.close();

    const second = open(first.clock.now());
    await second.fairway.start();
    await second.fairway.send({ name: "daily", data: {} });
    await second.clock.advance(0);
    expect(ran).toEqual(["daily"]);
    expect(await skipReasons(second.fairway, "daily")).toHaveLength(1);
    await second.fairway.close();
  });
});
