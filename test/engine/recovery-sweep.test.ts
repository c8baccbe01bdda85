import { describe, expect, it } from "vitest";
import { EngineActivity } from "../../src/engine/idle.js";
import { RecoverySweep, type RecoverySweepDeps } from "../../src/engine/recovery-sweep.js";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import type { RunRecord } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { queuedRun } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * `store` with its calls counted, and `clock` awaiting them after each timer it fires, as it awaits an
 * engine's idle point: the sweep's reads are answered and its next sweep armed before the next timer.
 */
function awaitedBy<S extends object>(clock: FakeClock, store: S): S {
  const activity = new EngineActivity();
  clock.registerIdle(() => activity.idle());
  return activity.track(store);
}
const HORIZON = 13_000;

/**
 * A sweep every second with a 13 s horizon, silent, that queues nothing unless `deps` says otherwise; no
 * longest pause (a store only this process writes) unless `deps` sets one.
 */
function sweepOf(deps: Partial<RecoverySweepDeps> & Pick<RecoverySweepDeps, "store" | "clock">) {
  return new RecoverySweep({
    logger: silent,
    intervalMs: 1000,
    horizonMs: HORIZON,
    maxPauseMs: Number.POSITIVE_INFINITY,
    pageSize: 10,
    onHorizon: () => {},
    onDue: async () => 0,
    ...deps,
  });
}

/** A wake-up (not a backlogged run): a delayed start due at `readyAt`. */
const wakeUp = (id: string, readyAt: number): RunRecord => ({
  ...queuedRun(id, readyAt),
  createdAt: readyAt - 1,
});

describe("RecoverySweep", () => {
  it("reads every wake-up within the horizon page by page, never a backlogged run, and paces itself", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const t0 = clock.now();
    const runs = ["a", "b", "c", "d", "e"].map((id, index) => wakeUp(id, t0 + index * 1000));
    const far = wakeUp("far", t0 + 500_000);
    await store.acceptEvents({
      now: t0,
      events: [],
      runs: [...runs, far, queuedRun("backlogged", t0)].map((entry) => ({ run: entry })),
    });
    const pages: string[][] = [];
    const horizons: number[] = [];
    let known = new Set<string>();
    const sweep = sweepOf({
      store,
      clock,
      pageSize: 2,
      onHorizon: (until) => horizons.push(until),
      onDue: async (page) => {
        pages.push(page.map((entry) => entry.id));
        const fresh = page.filter((entry) => !known.has(entry.id));
        known = new Set([...known, ...fresh.map((entry) => entry.id)]);
        return fresh.length;
      },
    });
    const delays = [];
    for (let i = 0; i < 3; i++) delays.push(await sweep.sweep());
    // Every page within the horizon in one sweep (the runs due in the next 13 s, not "far").
    expect(pages.slice(0, 3)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(pages).toHaveLength(9);
    expect(horizons).toEqual([t0 + HORIZON, t0 + HORIZON, t0 + HORIZON]);
    // A sweep that queued something: the interval; then only known runs: the pause doubles.
    expect(delays).toEqual([1000, 2000, 4000]);
    // Nothing within the horizon: the next sweep is when the earliest run comes within it.
    for (const entry of runs) await store.cancelRun(entry.id, "done", clock.now());
    expect(await sweep.sweep()).toBe(500_000 - HORIZON);
    await store.cancelRun("far", "done", clock.now());
    expect(await sweep.sweep()).toBe(Number.POSITIVE_INFINITY);
  });

  it("on a store other processes write, never pauses longer than the lease (a claim there is a wake-up no one announces)", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const t0 = clock.now();
    let known = new Set<string>();
    const sweep = sweepOf({
      store,
      clock,
      maxPauseMs: 5000,
      onDue: async (page) => {
        const fresh = page.filter((entry) => !known.has(entry.id));
        known = new Set([...known, ...page.map((entry) => entry.id)]);
        return fresh.length;
      },
    });
    // Nothing stored (only backlogged runs, which the sweep does not read): the next sweep within the lease,
    // not an hour away.
    await store.acceptEvents({ now: t0, events: [], runs: [{ run: queuedRun("backlogged", t0) }] });
    expect(await sweep.sweep()).toBe(5000);
    // Found runs, only ones in hand: the pause doubles, up to the lease.
    await store.acceptEvents({ now: t0, events: [], runs: [{ run: wakeUp("soon", t0 + 100) }] });
    const delays = [];
    for (let i = 0; i < 5; i++) delays.push(await sweep.sweep());
    expect(delays).toEqual([1000, 2000, 4000, 5000, 5000]);
    // The earliest wake-up beyond the horizon is further than the lease: the lease still bounds the pause.
    await store.cancelRun("soon", "done", t0);
    await store.acceptEvents({ now: t0, events: [], runs: [{ run: wakeUp("later", t0 + 500_000) }] });
    expect(await sweep.sweep()).toBe(5000);
  });

  it("sweepBy brings the next sweep to a run's lease end; a past time sweeps at once", async () => {
    const clock = new FakeClock();
    const store = awaitedBy(clock, new MemoryStore());
    const horizons: number[] = [];
    const sweep = sweepOf({ store, clock, onHorizon: (until) => horizons.push(until) });
    const t0 = clock.now();
    await sweep.start();
    sweep.sweepBy(t0 + 1500);
    await clock.advance(1499);
    expect(horizons).toEqual([t0 + HORIZON, t0 + 1000 + HORIZON]);
    await clock.advance(1);
    expect(horizons).toEqual([t0 + HORIZON, t0 + 1000 + HORIZON, t0 + 1500 + HORIZON]);
    sweep.sweepBy(t0);
    await clock.advance(0);
    expect(horizons).toHaveLength(4);
    sweep.stop();
    expect(clock.pending()).toBe(0);
  });

  it("a run parked beyond the horizon brings the next sweep forward to read it in time", async () => {
    const clock = new FakeClock();
    const store = awaitedBy(clock, new MemoryStore());
    const horizons: number[] = [];
    const sweep = sweepOf({ store, clock, onHorizon: (until) => horizons.push(until) });
    await sweep.start();
    expect(horizons).toHaveLength(1);
    const wakeAt = clock.now() + 100_000;
    sweep.wakeBy(wakeAt);
    sweep.wakeBy(wakeAt + 50_000);
    // The sweep one interval after start-up finds nothing; the next is brought forward to the wake-up.
    await clock.advance(100_000 - HORIZON - 1);
    expect(horizons).toHaveLength(2);
    await clock.advance(1);
    expect(horizons).toHaveLength(3);
    expect(horizons[2]).toBe(wakeAt);
    sweep.stop();
    expect(clock.pending()).toBe(0);
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
    const sweep = sweepOf({
      store: awaitedBy(clock, flaky),
      clock,
      maxPauseMs: 30_000,
      logger: { ...silent, error: (message: string) => errors.push(message) },
    });
    await sweep.start();
    await clock.advance(3000);
    expect(errors).toHaveLength(1);
    fail = false;
    await clock.advance(1000);
    fail = true;
    await clock.advance(30_000);
    expect(errors).toHaveLength(2);
    sweep.stop();
    expect(clock.pending()).toBe(0);
  });
});
