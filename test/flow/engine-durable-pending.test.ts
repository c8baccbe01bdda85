/**
 * Debounces and batches survive a restart: a second Fairway on the same SQLite file or PostgreSQL schema
 * (fake clocks; the first instance is abandoned without closing, as a killed process would be) fires each
 * pending entry exactly once, with the right events.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import type { Store } from "../../src/store/store.js";
import type { FakeClock } from "../../src/testing/fake-clock.js";
import { tempDir } from "../engine/helpers.js";
import { type DurableLocation, durableLocation, openProcess } from "../helpers/postgres.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** An app with a debounced function `d` (10 s per user) and a batched one `b` (5 events or 5 s). */
function app(
  store: Store | string,
  clock: FakeClock,
  onRun: (fn: string, ns: unknown[]) => Promise<void> | void,
) {
  const fairway = new Fairway({ id: "app", store, clock, logger: silent, leaseMs: 1000 });
  fairway.createFunction(
    { id: "d", debounce: { period: "10s", key: "event.data.user" } },
    { event: "deb" },
    ({ events }) =>
      onRun(
        "d",
        events.map((event) => event.data.n),
      ),
  );
  fairway.createFunction(
    { id: "b", batchEvents: { maxSize: 5, timeout: "5s" } },
    { event: "bat" },
    ({ events }) =>
      onRun(
        "b",
        events.map((event) => event.data.n),
      ),
  );
  return fairway;
}

async function runsOf(fairway: Fairway, functionId: string) {
  const { runs } = await fairway.listRuns({ functionId, limit: 100 });
  return runs.map((run) => ({ status: run.status, ns: run.events.map((event) => event.data.n) }));
}

/** The app restarted on `location` at time `at` (a new process): records each run as `[fn, ns, time]`, started. */
async function restart(location: DurableLocation, at: number) {
  const { store, clock } = openProcess(location, at);
  const seen: Array<[string, unknown[], number]> = [];
  const fairway = app(store, clock, (fn, ns) => {
    seen.push([fn, ns, clock.now()]);
  });
  await fairway.start();
  return { clock, seen, fairway };
}

describe.each(["sqlite", "postgres"] as const)("debounce and batching across a restart (%s)", (kind) => {
  let location: DurableLocation;
  afterEach(async () => {
    await location.remove();
  });

  it("a pending debounce and an open batch fire once each, on time, after a restart", async () => {
    location = durableLocation(kind, tempDir());
    const a = openProcess(location);
    const clockA = a.clock;
    const t0 = clockA.now();
    const first = app(a.store, clockA, () => {
      throw new Error("the first process never fires");
    });
    await first.send({ name: "deb", data: { user: "a", n: 1 } });
    await first.send({ name: "bat", data: { n: 1 } });
    await clockA.advance("2s");
    await first.send([
      { name: "deb", data: { user: "a", n: 2 } },
      { name: "bat", data: { n: 2 } },
    ]);
    // The first process dies here (never closed, its clock never moves again).

    const { clock: clockB, seen, fairway: second } = await restart(location, t0 + 3000);
    await clockB.advance("1999ms");
    expect(seen).toEqual([]);
    await clockB.advance(1); // the batch opened at t0 times out at t0 + 5 s
    expect(seen).toEqual([["b", [1, 2], t0 + 5000]]);
    await clockB.advance("6999ms");
    expect(seen).toHaveLength(1);
    await clockB.advance(1); // the debounce's last event came at t0 + 2 s: due at t0 + 12 s
    expect(seen).toEqual([
      ["b", [1, 2], t0 + 5000],
      ["d", [2], t0 + 12_000],
    ]);
    expect(await runsOf(second, "d")).toEqual([{ status: "completed", ns: [2] }]);
    expect(await runsOf(second, "b")).toEqual([{ status: "completed", ns: [1, 2] }]);
    await second.close();

    // A third start finds nothing left to fire.
    const c = openProcess(location, t0 + 60_000);
    const clockC = c.clock;
    const third = app(c.store, clockC, () => {
      throw new Error("fired twice");
    });
    await third.start();
    await clockC.advance("1m");
    expect(await runsOf(third, "d")).toHaveLength(1);
    expect(await runsOf(third, "b")).toHaveLength(1);
    await third.close();
    await first.close();
  });

  it("entries overdue at start-up fire at once; new events after the restart join a fresh series", async () => {
    location = durableLocation(kind, tempDir());
    const a = openProcess(location);
    const clockA = a.clock;
    const first = app(a.store, clockA, () => {});
    await first.send([
      { name: "deb", data: { user: "a", n: 1 } },
      { name: "deb", data: { user: "b", n: 2 } },
      { name: "bat", data: { n: 3 } },
    ]);

    const { clock: clockB, seen, fairway: second } = await restart(location, clockA.now() + 60_000);
    await clockB.advance(0);
    expect(seen.map(([fn, ns]) => [fn, ns]).sort()).toEqual([
      ["b", [3]],
      ["d", [1]],
      ["d", [2]],
    ]);
    await second.send({ name: "deb", data: { user: "a", n: 4 } });
    await clockB.advance("10s");
    expect(seen.at(-1)?.slice(0, 2)).toEqual(["d", [4]]);
    expect(await runsOf(second, "d")).toHaveLength(3);
    await second.close();
    await first.close();
  });

  it("a batch released just before the crash is one run, resumed after the restart, not released again", async () => {
    location = durableLocation(kind, tempDir());
    const a = openProcess(location);
    const clockA = a.clock;
    let startedA = 0;
    const first = app(a.store, clockA, async () => {
      startedA += 1;
      await new Promise(() => {}); // the process dies while the released run executes
    });
    await first.send([1, 2, 3, 4, 5].map((n) => ({ name: "bat", data: { n } })));
    await clockA.advance(0);
    expect(startedA).toBe(1);

    // After the dead process's lease (1 s).
    const { clock: clockB, seen, fairway: second } = await restart(location, clockA.now() + 2000);
    await clockB.advance("10s");
    expect(seen.map(([fn, ns]) => [fn, ns])).toEqual([["b", [1, 2, 3, 4, 5]]]);
    expect(await runsOf(second, "b")).toEqual([{ status: "completed", ns: [1, 2, 3, 4, 5] }]);
    await second.close(); // the first instance is left as it died (closing it would wait for its run)
  });
});
