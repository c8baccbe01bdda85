import { describe, expect, it } from "vitest";
import { RecoverySweep, SWEEP_IDLE_MS } from "../../src/engine/recovery-sweep.js";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { queuedRun } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("RecoverySweep", () => {
  it("pages through claimable runs by cursor, wraps around, and paces itself", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const t0 = clock.now();
    const runs = ["a", "b", "c", "d", "e"].map((id, index) => queuedRun(id, t0 + index));
    await store.acceptEvents({ now: t0, events: [], runs: runs.map((entry) => ({ run: entry })) });
    const pages: string[][] = [];
    let known = new Set<string>();
    const sweep = new RecoverySweep({
      store,
      clock,
      logger: silent,
      intervalMs: 1000,
      pageSize: 2,
      onDue: (page) => {
        pages.push(page.map((entry) => entry.id));
        const fresh = page.filter((entry) => !known.has(entry.id));
        known = new Set([...known, ...fresh.map((entry) => entry.id)]);
        return fresh.length;
      },
    });
    await clock.advance(10);
    const delays = [];
    for (let i = 0; i < 5; i++) delays.push(await sweep.sweep());
    expect(pages).toEqual([["a", "b"], ["c", "d"], ["e"], ["a", "b"], ["c", "d"]]);
    // Pages that queued something: the interval; then only known runs: the pause doubles.
    expect(delays).toEqual([1000, 1000, 1000, 2000, 4000]);
    // Nothing claimable: the next sweep is when the earliest run becomes claimable (within bounds).
    for (const entry of runs) await store.cancelRun(entry.id, "done", clock.now());
    await store.acceptEvents({
      now: clock.now(),
      events: [],
      runs: [{ run: queuedRun("later", clock.now() + 90_000) }],
    });
    expect(await sweep.sweep()).toBe(90_000);
    await store.cancelRun("later", "done", clock.now());
    expect(await sweep.sweep()).toBe(SWEEP_IDLE_MS);
  });

  it("logs a failing store once until a sweep succeeds again", async () => {
    const clock = new FakeClock();
    const errors: string[] = [];
    let fail = true;
    const store = new MemoryStore();
    const flaky = Object.assign(Object.create(store), {
      listDueRuns: (...args: Parameters<MemoryStore["listDueRuns"]>) =>
        fail ? Promise.reject(new Error("I/O error")) : store.listDueRuns(...args),
    });
    const sweep = new RecoverySweep({
      store: flaky,
      clock,
      logger: { ...silent, error: (message: string) => errors.push(message) },
      intervalMs: 1000,
      pageSize: 10,
      onDue: () => 0,
    });
    sweep.start();
    await clock.advance(3000);
    expect(errors).toHaveLength(1);
    fail = false;
    await clock.advance(1000);
    fail = true;
    await clock.advance(SWEEP_IDLE_MS);
    expect(errors).toHaveLength(2);
    sweep.stop();
    expect(clock.pending()).toBe(0);
  });
});
