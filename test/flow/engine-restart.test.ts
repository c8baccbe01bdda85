import { afterEach, describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import type { FakeClock } from "../../src/testing/fake-clock.js";
import { tempDir } from "../engine/helpers.js";
import { type DurableLocation, durableLocation, openProcess } from "../helpers/postgres.js";
import { statuses } from "./engine-helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe.each(["sqlite", "postgres"] as const)("on %s", (kind) => {
  let location: DurableLocation;
  afterEach(async () => {
    await location.remove();
  });

  describe("flow control across a restart", () => {
    it("singleton, cancelOn and timeouts.finish still apply to a run sleeping through a restart", async () => {
      location = durableLocation(kind, tempDir());
      const steps: string[] = [];
      const define = (fairway: Fairway) => {
        fairway.createFunction(
          {
            id: "f",
            singleton: { mode: "skip", key: "event.data.user" },
            cancelOn: [{ event: "stop", match: "data.user" }],
            timeouts: { finish: "2h" },
          },
          { event: "e" },
          async ({ event, step }) => {
            await step.sleep("nap", "1h");
            await step.run("after", () => steps.push(String(event.data.user)));
          },
        );
      };
      const { store: storeA, clock: clockA } = openProcess(location);
      const first = new Fairway({ id: "app", store: storeA, clock: clockA, logger: silent });
      define(first);
      await first.send({ name: "stop", data: { user: "a" } });
      await first.send([
        { name: "e", data: { user: "a" } },
        { name: "e", data: { user: "b" } },
        { name: "e", data: { user: "c" } },
      ]);
      await clockA.advance("10m");
      await first.close();

      const { store: storeB, clock: clockB } = openProcess(location, clockA.now() + 60_000);
      const second = new Fairway({ id: "app", store: storeB, clock: clockB, logger: silent });
      define(second);
      await second.start();
      await second.send({ name: "e", data: { user: "a" } });
      await second.send({ name: "stop", data: { user: "b" } });
      await clockB.advance(0);
      // a: still sleeping (the stop sent before it was scheduled does not count), its new event skipped;
      // b: cancelled by the stop sent after the restart; c: untouched.
      const { runs } = await second.listRuns({ functionId: "f" });
      expect(runs.map((r) => `${r.events[0]?.data.user}:${r.status}`).sort()).toEqual([
        "a:skipped",
        "a:sleeping",
        "b:cancelled",
        "c:sleeping",
      ]);
      await clockB.advance("1h");
      expect(steps.sort()).toEqual(["a", "c"]);
      expect(await statuses(second, "f")).toContain("completed");
      await second.close();
    });

    it("timeouts.finish counts from the first start, not from the restart", async () => {
      location = durableLocation(kind, tempDir());
      const define = (fairway: Fairway) =>
        fairway.createFunction({ id: "f", timeouts: { finish: "30m" } }, { event: "e" }, async ({ step }) => {
          await step.sleep("nap", "1h");
        });
      const { store: storeA, clock: clockA } = openProcess(location);
      const first = new Fairway({ id: "app", store: storeA, clock: clockA, logger: silent });
      define(first);
      await first.send({ name: "e", data: {} });
      await clockA.advance("10m");
      await first.close();
      const { store: storeB, clock: clockB } = openProcess(location, clockA.now());
      const second = new Fairway({ id: "app", store: storeB, clock: clockB, logger: silent });
      define(second);
      await second.start();
      await clockB.advance("19m");
      expect(await statuses(second, "f")).toEqual(["sleeping"]);
      await clockB.advance("1m");
      expect(await statuses(second, "f")).toEqual(["cancelled"]);
      await second.close();
    });

    it("throttle: starts before a restart still count (no fresh burst after it)", async () => {
      location = durableLocation(kind, tempDir());
      const starts: string[] = [];
      const define = (fairway: Fairway, clock: FakeClock, t0: number) =>
        fairway.createFunction(
          { id: "f", throttle: { limit: 1, period: "1h", key: "event.data.user" } },
          { event: "e" },
          ({ event }) => {
            starts.push(`${event.data.user}@${(clock.now() - t0) / 60_000}m`);
          },
        );
      const { store: storeA, clock: clockA } = openProcess(location);
      const t0 = clockA.now();
      const first = new Fairway({ id: "app", store: storeA, clock: clockA, logger: silent });
      define(first, clockA, t0);
      await first.send([
        { name: "e", data: { user: "a" } },
        { name: "e", data: { user: "a" } },
      ]);
      await clockA.advance("10m");
      await first.close();
      expect(starts).toEqual(["a@0m"]);

      const { store: storeB, clock: clockB } = openProcess(location, clockA.now());
      const second = new Fairway({ id: "app", store: storeB, clock: clockB, logger: silent });
      define(second, clockB, t0);
      await second.start();
      await second.send({ name: "e", data: { user: "b" } });
      await clockB.advance(0);
      expect(starts).toEqual(["a@0m", "b@10m"]);
      await clockB.advance("49m");
      expect(starts).toHaveLength(2);
      await clockB.advance("1m");
      expect(starts).toEqual(["a@0m", "b@10m", "a@60m"]);
      await second.close();
    });
  });
});
