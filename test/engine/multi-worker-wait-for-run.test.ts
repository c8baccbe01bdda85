/**
 * `waitForRun` on a store other processes write: a run this worker waits for may end on another worker, whose
 * run events this process never hears; the waiter reads the run again until it ends (`RunWaiters`, `pollMs`).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SHARED_STORE_POLL_MS } from "../../src/engine/run-waiters.js";
import { type DurableLocation, durableLocation, twoWorkers } from "../helpers/postgres.js";
import { signal, tempDir } from "./helpers.js";

let location: DurableLocation;
afterEach(async () => {
  await location.remove();
});

describe("waitForRun across two workers sharing one PostgreSQL schema", () => {
  it("resolves on worker a for a run that worker b executed and ended", async () => {
    location = durableLocation("postgres", tempDir());
    const ranOn = new Map<string, "a" | "b">();
    const bothStarted = signal();
    const release = signal();
    const { a, b, clock, close } = await twoWorkers(
      location,
      (fairway, name) => {
        fairway.createFunction({ id: "work" }, { event: "work" }, async ({ runId }) => {
          ranOn.set(runId, name);
          if (ranOn.size === 2) bothStarted.resolve();
          await release.promise;
          return `done on ${name}`;
        });
      },
      { maxConcurrentRuns: 1 },
    );
    await a.send([{ name: "work" }, { name: "work" }]);
    await bothStarted.promise;
    const onB = [...ranOn].find(([, name]) => name === "b")?.[0] as string;
    let outcome: unknown = "pending";
    const waited = a.waitForRun(onB).then((output) => {
      outcome = output;
    });
    release.resolve();
    await Promise.all([a.idle(), b.idle()]);
    // Worker a heard no run event of it; a read of the run on its poll timer finds it ended (the fake
    // clock is moved one poll at a time until then: b's end may become visible after a's first read).
    await vi.waitFor(async () => {
      await clock.advance(SHARED_STORE_POLL_MS);
      expect(outcome).toBe("done on b");
    });
    await waited;
    await close();
  });
});
