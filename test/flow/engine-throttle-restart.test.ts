/**
 * The throttle's GCRA state survives a restart: it is rebuilt from the start times of the runs in the store,
 * including runs created long before (a throttled backlog drains slowly), so a restart hands out no fresh
 * burst.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import type { Store } from "../../src/store/store.js";
import type { FakeClock } from "../../src/testing/fake-clock.js";
import { tempDir } from "../engine/helpers.js";
import { type DurableLocation, durableLocation, openProcess } from "../helpers/postgres.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function app(store: Store | string, clock: FakeClock, starts: number[]) {
  const fairway = new Fairway({ id: "app", store, clock, logger: silent });
  fairway.createFunction({ id: "t", throttle: { limit: 2, period: "1m" } }, { event: "e" }, () => {
    starts.push(clock.now());
  });
  return fairway;
}

describe.each(["sqlite", "postgres"] as const)("on %s", (kind) => {
  let location: DurableLocation;
  afterEach(async () => {
    await location.remove();
  });

  describe("throttle across a restart (SQLite)", () => {
    it("runs queued since long before the restart keep their pace: no new burst", async () => {
      location = durableLocation(kind, tempDir());
      const { store: storeA, clock: clockA } = openProcess(location);
      const t0 = clockA.now();
      const startsA: number[] = [];
      const first = app(storeA, clockA, startsA);
      await first.send(Array.from({ length: 20 }, (_, n) => ({ name: "e", data: { n } })));
      await clockA.advance("5m");
      // 2 at once, then one per 30 s: 12 starts by t0 + 5 min, the next due at t0 + 5.5 min.
      expect(startsA.map((at) => (at - t0) / 1000)).toEqual([
        0, 0, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300,
      ]);
      await first.close();

      const { store: storeB, clock: clockB } = openProcess(location, t0 + 300_001);
      const startsB: number[] = [];
      const second = app(storeB, clockB, startsB);
      await second.start();
      await clockB.advance(0);
      expect(startsB).toEqual([]);
      await clockB.advance(29_998);
      expect(startsB).toEqual([]);
      await clockB.advance(1);
      await clockB.advance("1m");
      expect(startsB.map((at) => (at - t0) / 1000)).toEqual([330, 360, 390]);
      await second.close();
    });

    it("a throttle idle before the restart keeps its exact budget: one recent start counts once", async () => {
      location = durableLocation(kind, tempDir());
      const { store: storeA, clock: clockA } = openProcess(location);
      const t0 = clockA.now();
      const first = app(storeA, clockA, []);
      await first.send({ name: "e", data: {} });
      await clockA.advance(0);
      await first.close();

      const { store: storeB, clock: clockB } = openProcess(location, t0 + 10_000);
      const startsB: number[] = [];
      const second = app(storeB, clockB, startsB);
      await second.send([1, 2, 3].map((n) => ({ name: "e", data: { n } })));
      await clockB.advance("1m");
      expect(startsB.map((at) => (at - t0) / 1000)).toEqual([10, 30, 60]);
      await second.close();
    });

    it("a queued run keeps the keys it was admitted with: a changed key expression applies to new runs", async () => {
      location = durableLocation(kind, tempDir());
      const started = (fairway: Fairway, key: string, starts: string[]) => {
        fairway.createFunction(
          { id: "k", throttle: { limit: 1, period: "1h", key } },
          { event: "e" },
          ({ event }) => void starts.push(String(event.data.org)),
        );
        return fairway;
      };
      const { store: storeA, clock: clockA } = openProcess(location);
      const startsA: string[] = [];
      const first = started(
        new Fairway({ id: "app", store: storeA, clock: clockA, logger: silent }),
        "event.data.user",
        startsA,
      );
      await first.send([
        { name: "e", data: { user: "u1", org: "o1" } },
        { name: "e", data: { user: "u1", org: "o2" } },
      ]);
      await clockA.advance(0);
      expect(startsA).toEqual(["o1"]);
      await first.close();

      // Keyed by org now: o2's run would be free to start, but it was admitted under user u1's throttle.
      const { store: storeB, clock: clockB } = openProcess(location, clockA.now() + 60_000);
      const startsB: string[] = [];
      const second = started(
        new Fairway({ id: "app", store: storeB, clock: clockB, logger: silent }),
        "event.data.org",
        startsB,
      );
      await second.start();
      await second.send({ name: "e", data: { user: "u1", org: "o3" } });
      await clockB.advance(0);
      expect(startsB).toEqual(["o3"]);
      await clockB.advance("1h");
      expect(startsB).toEqual(["o3", "o2"]);
      await second.close();
    });
  });
});
