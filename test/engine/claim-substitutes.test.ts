/**
 * A shared store may answer a claim with another run of the same backlog (`Store.claimRun`'s `substitute`:
 * the run asked for was taken by another worker). The engine then executes that run in the asked run's
 * slot, exactly once: it leaves the ready queue if it was queued here, and if this process's own claim of it
 * is already in flight, only that claim executes it. The store here is the memory store with its claims
 * scripted: the claim of the run "taken" finds it taken by another worker and answers with a substitute.
 */
import { describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import type { Store } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { queuedRun, signal } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const OTHER = "other-host:1:x";

/**
 * The memory store whose claim of `taken` claims `substitute` instead (as a shared store does when another
 * worker took `taken`), after `before` resolves; every other claim is the store's own.
 */
function substituting(
  memory: MemoryStore,
  taken: string,
  substitute: string,
  before: Promise<void> = Promise.resolve(),
): { store: Store; claims: string[]; substitutable: boolean[] } {
  const claims: string[] = [];
  const substitutable: boolean[] = [];
  const store = new Proxy(memory, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (key !== "claimRun") return typeof value === "function" ? value.bind(target) : value;
      return async (...args: Parameters<Store["claimRun"]>) => {
        const [runId, owner, now, leaseMs] = args;
        claims.push(runId);
        if (runId !== taken) return memory.claimRun(runId, owner, now, leaseMs);
        substitutable.push(args[6] === true);
        await before;
        // Another worker took it meanwhile.
        await memory.claimRun(taken, OTHER, now, 60_000);
        return memory.claimRun(substitute, owner, now, leaseMs);
      };
    },
  });
  return { store, claims, substitutable };
}

/** A memory store holding queued runs of function `f` with `ids`, due at 0. */
async function withRuns(ids: string[]): Promise<MemoryStore> {
  const memory = new MemoryStore();
  await memory.acceptEvents({ now: 0, events: [], runs: ids.map((id) => ({ run: queuedRun(id, 0) })) });
  return memory;
}

describe("claims answered with a substitute", () => {
  it("the substitute leaves the ready queue, takes the asked run's slot and executes once", async () => {
    const clock = new FakeClock();
    const memory = await withRuns(["a", "b", "c"]);
    const { store, claims, substitutable } = substituting(memory, "a", "b");
    const fairway = new Fairway({ id: "app", store, clock, logger: silent, sweepMs: 3_600_000 });
    const entered: string[] = [];
    const gate = signal();
    fairway.createFunction({ id: "f", concurrency: 1 }, { event: "go" }, async ({ event, runId }) => {
      entered.push(`${runId}:${event.data.n}`);
      if (runId === "b") await gate.promise;
    });
    await fairway.start();
    await clock.advance(0);
    // One slot: a was asked for, b runs in its place and holds the slot; c waits for it.
    expect(entered).toEqual(["b:b"]);
    gate.resolve();
    await fairway.idle();
    expect(entered).toEqual(["b:b", "c:c"]);
    // b was never asked for by itself: it left the queue when it was claimed for a.
    expect(claims).toEqual(["a", "c"]);
    expect(substitutable).toEqual([true]);
    expect((await memory.getRun("a"))?.leaseOwner).toBe(OTHER);
    await fairway.close();
  });

  it("a substitute whose own claim is in flight here is executed by that claim only", async () => {
    const clock = new FakeClock();
    const memory = await withRuns(["a", "b", "c"]);
    // a's answer (b in its place) arrives after b's own claim was sent.
    const bAsked = signal();
    const { store, claims } = substituting(memory, "a", "b", bAsked.promise);
    const watched = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (key !== "claimRun") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<Store["claimRun"]>) => {
          const claimed = (value as Store["claimRun"]).apply(target, args);
          if (args[0] === "b") bAsked.resolve();
          return claimed;
        };
      },
    });
    const fairway = new Fairway({ id: "app", store: watched, clock, logger: silent, sweepMs: 3_600_000 });
    const entered: string[] = [];
    fairway.createFunction({ id: "f", concurrency: 2 }, { event: "go" }, async ({ runId }) => {
      entered.push(runId);
    });
    await fairway.start();
    await clock.advance(0);
    await fairway.idle();
    // Two slots: a and b asked for at once; a's answer is b, which b's own claim holds: b runs once, and
    // a's slot goes to c.
    expect(claims.slice(0, 2).sort()).toEqual(["a", "b"]);
    expect(entered.sort()).toEqual(["b", "c"]);
    await fairway.close();
  });
});
