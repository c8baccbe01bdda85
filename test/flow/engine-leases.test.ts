import { afterEach, describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { tempDir } from "../engine/helpers.js";
import { type DurableLocation, durableLocation, openProcess } from "../helpers/postgres.js";
import { gatedHandler } from "./engine-helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe.each(["sqlite", "postgres"] as const)("on %s", (kind) => {
  let location: DurableLocation;
  afterEach(async () => {
    await location.remove();
  });

  describe("concurrency slots and leases", () => {
    it("a crashed process leaks no slot: its runs are reclaimed and counted once", async () => {
      location = durableLocation(kind, tempDir());
      const { store: storeA, clock: clockA } = openProcess(location);
      const crashed = new Fairway({ id: "app", store: storeA, clock: clockA, logger: silent, leaseMs: 1000 });
      let firstSteps = 0;
      crashed.createFunction({ id: "f", concurrency: 1 }, { event: "e" }, async ({ step }) => {
        await step.run("s1", () => {
          firstSteps += 1;
        });
        await new Promise(() => {}); // the process "dies" here: never finishes, never renews
      });
      await crashed.send([
        { name: "e", data: { user: "a" } },
        { name: "e", data: { user: "a" } },
      ]);
      await clockA.advance(0);
      expect(firstSteps).toBe(1);
      expect(crashed.flowState("f")).toEqual([
        { functionId: "f", key: "", queued: 1, running: 1, throttled: 0 },
      ]);

      const { store: storeB, clock: clockB } = openProcess(location, clockA.now() + 2000);
      const restarted = new Fairway({
        id: "app",
        store: storeB,
        clock: clockB,
        logger: silent,
        leaseMs: 1000,
      });
      const gate = gatedHandler();
      let replayedSteps = 0;
      restarted.createFunction({ id: "f", concurrency: 1 }, { event: "e" }, async (context) => {
        await context.step.run("s1", () => {
          replayedSteps += 1;
        });
        return gate.handler(context);
      });
      await restarted.start();
      await clockB.advance(0);
      expect(gate.active()).toBe(1);
      expect(restarted.flowState("f")).toEqual([
        { functionId: "f", key: "", queued: 1, running: 1, throttled: 0 },
      ]);
      gate.release();
      await clockB.advance(0);
      expect(gate.active()).toBe(1);
      gate.release();
      await clockB.advance(0);
      expect(gate.peak).toBe(1);
      expect(replayedSteps).toBe(1); // the crashed run's s1 was memoized; only the second run ran it
      const { runs } = await restarted.listRuns({ functionId: "f" });
      expect(runs.map((run) => run.status)).toEqual(["completed", "completed"]);
      expect(restarted.flowState("f")).toEqual([]);
      await restarted.close();
    });
  });

  describe("flow state across a restart", () => {
    it("rate-limit and idempotency windows are rebuilt from the store", async () => {
      location = durableLocation(kind, tempDir());
      const define = (fairway: Fairway, calls: string[]) => {
        fairway.createFunction(
          { id: "once", idempotency: "event.data.order" },
          { event: "order" },
          ({ event }) => {
            calls.push(`once ${event.data.order}`);
          },
        );
        fairway.createFunction(
          { id: "limited", rateLimit: { limit: 2, period: "1h", key: "event.data.user" } },
          { event: "ping" },
          ({ event }) => {
            calls.push(`limited ${event.data.user}`);
          },
        );
      };
      const { store: storeA, clock: clockA } = openProcess(location);
      const first = new Fairway({ id: "app", store: storeA, clock: clockA, logger: silent });
      const before: string[] = [];
      define(first, before);
      await first.send([
        { name: "order", data: { order: 1 } },
        { name: "ping", data: { user: "a" } },
        { name: "ping", data: { user: "a" } },
      ]);
      await clockA.advance(0);
      await first.close();
      expect(before.sort()).toEqual(["limited a", "limited a", "once 1"]);

      const { store: storeB, clock: clockB } = openProcess(location, clockA.now() + 30 * 60_000);
      const second = new Fairway({ id: "app", store: storeB, clock: clockB, logger: silent });
      const after: string[] = [];
      define(second, after);
      await second.send([
        { name: "order", data: { order: 1 } },
        { name: "ping", data: { user: "a" } },
        { name: "ping", data: { user: "b" } },
      ]);
      await clockB.advance(0);
      expect(after).toEqual(["limited b"]);
      await clockB.advance("30m");
      await second.send({ name: "ping", data: { user: "a" } });
      await clockB.advance(0);
      expect(after).toEqual(["limited b", "limited a"]);
      await second.close();
    });
  });
});
