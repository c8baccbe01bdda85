/**
 * Failover: runs another worker claimed and left behind (it died, or lost its lease) are taken over by a live
 * worker within the lease time, and a live worker's runs are not taken from it. One test per cause that once
 * stranded runs in the S4 multi-process test (`test/s4/`): the sweep idling for an hour after a sweep that
 * found only backlogged runs; a lease renewal's answer stopping an execution that started while it was in
 * flight; a run queued here as a start, started and abandoned elsewhere, waiting for its backlog's turn; and
 * every worker trying to claim every run the others execute at each one's lease end.
 */
import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/engine/clock.js";
import { Fairway } from "../../src/index.js";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import type { Store } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { makeFairway, queuedRun, signal } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
/** A worker on another host: its leases are waited out, never taken for a dead process's. */
const OTHER = "other-host:1:x";

/** `store` with `methods` replaced by `wrap(original)`. */
function wrapped<S extends object>(
  store: S,
  methods: Partial<{ [K in keyof S]: (original: S[K]) => S[K] }>,
): S {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      const original = value.bind(target);
      const wrap = methods[key as keyof S];
      return wrap ? wrap(original) : original;
    },
  });
}

describe("failover", () => {
  it("a run claimed after an idle sweep by a worker that then dies resumes at its lease's end (PostgreSQL)", async () => {
    const { fairway, clock } = makeFairway("postgres", { sweepMs: 1000, leaseMs: 5000 });
    const { store } = fairway;
    fairway.createFunction({ id: "f" }, { event: "go" }, async ({ step }) =>
      step.run("s", () => "taken over"),
    );
    await fairway.start();
    // The sweep one interval after start-up finds nothing to read (no wake-up, no lease).
    await clock.advance(1000);
    // Another worker stores a run, claims it and dies: a wake-up at its lease's end that no one announces.
    const claimedAt = clock.now() + 500;
    await clock.advance(500);
    await store.acceptEvents({ now: claimedAt, events: [], runs: [{ run: queuedRun("orphan", claimedAt) }] });
    await store.claimRun("orphan", OTHER, claimedAt, 5000);
    await clock.advance(4999);
    expect((await store.getRun("orphan"))?.status).toBe("running");
    // Before, the sweep slept for an hour after the empty one: the run waited for it.
    await clock.advance(1);
    await expect(fairway.waitForRun("orphan")).resolves.toBe("taken over");
    expect(clock.now() - claimedAt).toBe(5000);
    await fairway.close();
  });

  it("a lease renewal's answer stops only executions it was asked for, not one whose claim it overtook", async () => {
    const fake = new FakeClock();
    // The engine's clock without the idle hook: the test holds store calls in flight across a timer.
    const clock: Clock = {
      now: () => fake.now(),
      setTimeout: (callback, ms) => fake.setTimeout(callback, ms),
      clearTimeout: (handle) => fake.clearTimeout(handle),
    };
    const claimHeld = signal();
    const releaseClaim = signal();
    const renewal = signal();
    let answer: Promise<string[]> = Promise.resolve([]);
    const releaseAnswer = signal();
    let claims = 0;
    const store = wrapped<Store>(new MemoryStore(), {
      // The second claim (run b's) is held in flight.
      claimRun: (claim) =>
        (async (...args: Parameters<Store["claimRun"]>) => {
          claims += 1;
          if (claims === 2) {
            claimHeld.resolve();
            await releaseClaim.promise;
          }
          return claim(...args);
        }) as Store["claimRun"],
      // The store answers at once (b is not claimed yet); the answer reaches the engine when the test says.
      renewLeases: (renew) => (owner, runIds, until, now) => {
        const result = renew(owner, runIds, until, now);
        answer = releaseAnswer.promise.then(() => result);
        renewal.resolve();
        return answer;
      },
    });
    const fairway = new Fairway({
      id: "app",
      store,
      clock,
      logger: silent,
      leaseMs: 3000,
      sweepMs: 3_600_000,
    });
    const gates = { a: signal(), b: signal() };
    const entered = { a: signal(), b: signal() };
    fairway.createFunction({ id: "f" }, { event: "go" }, async ({ event, step }) => {
      const name = event.data.name as "a" | "b";
      return step.run("s", async () => {
        entered[name].resolve();
        await gates[name].promise;
        return `done ${name}`;
      });
    });
    await fairway.start();
    // a executes; b's claim is in flight when the renewal (every leaseMs / 3) is sent.
    await fairway.send({ name: "go", data: { name: "a" } });
    await entered.a.promise;
    await fairway.send({ name: "go", data: { name: "b" } });
    await claimHeld.promise;
    await fake.advance(1000);
    await renewal.promise;
    // b's claim commits and its execution starts before the renewal's answer arrives.
    releaseClaim.resolve();
    await entered.b.promise;
    releaseAnswer.resolve();
    await answer;
    gates.a.resolve();
    gates.b.resolve();
    await fairway.idle();
    // Before, the answer (b: not renewed, it was not claimed yet) stopped b's execution: b stayed leased to
    // this live process, executed by no one, until its lease ran out and a sweep found it.
    const runs = (await fairway.listRuns({ functionId: "f" })).runs;
    expect(runs.map((run) => [run.events[0]?.data.name, run.status, run.output]).sort()).toEqual([
      ["a", "completed", "done a"],
      ["b", "completed", "done b"],
    ]);
    await fairway.close();
  });

  it("a run queued here as a start that another worker started and abandoned goes ahead as a resume", async () => {
    const clock = new FakeClock();
    const memory = new MemoryStore();
    const fairway = new Fairway({ id: "app", store: memory, clock, logger: silent, sweepMs: 1000 });
    const order: string[] = [];
    const gate = signal();
    fairway.createFunction({ id: "f", concurrency: 1 }, { event: "go" }, async ({ event, step }) => {
      const name = String(event.data.name);
      order.push(name);
      if (name === "first") await gate.promise;
      return step.run("s", () => name);
    });
    await fairway.start();
    // One run executes (the limit is 1); three wait behind it in this process's queue, "last" at the end.
    await fairway.send(["first", "second", "third", "last"].map((name) => ({ name: "go", data: { name } })));
    await clock.advance(0);
    expect(order).toEqual(["first"]);
    const last = (await fairway.listRuns({ functionId: "f" })).runs.find(
      (run) => run.events[0]?.data.name === "last",
    )!;
    // A worker on another host claims "last", starts it and dies: its lease runs out 2 s later.
    await memory.claimRun(last.id, OTHER, clock.now(), 2000);
    await clock.advance(2000);
    gate.resolve();
    await expect(fairway.waitForRun(last.id)).resolves.toBe("last");
    await clock.advance(0);
    // Before, the sweep skipped it (this process "had it"): it ran after the others, as the start it was
    // queued as, waiting for its backlog's turn.
    expect(order).toEqual(["first", "last", "second", "third"]);
    await fairway.close();
  });

  it("a run another live worker holds is not claimed at its lease's end while the owner renews it", async () => {
    const clock = new FakeClock();
    const memory = new MemoryStore();
    const claims: number[] = [];
    const store = wrapped<Store>(memory, {
      claimRun: (claim) =>
        ((...args: Parameters<Store["claimRun"]>) => {
          const [runId, owner] = args;
          if (runId === "held" && owner !== OTHER) claims.push(clock.now());
          return claim(...args);
        }) as Store["claimRun"],
    });
    const fairway = new Fairway({ id: "app", store, clock, logger: silent, sweepMs: 1000, leaseMs: 3000 });
    fairway.createFunction({ id: "f" }, { event: "go" }, async ({ step }) =>
      step.run("s", () => "taken over"),
    );
    await fairway.start();
    const t0 = clock.now();
    await memory.acceptEvents({ now: t0, events: [], runs: [{ run: queuedRun("held", t0) }] });
    await memory.claimRun("held", OTHER, t0, 3000);
    // The owner renews every second, as a live worker does; sweeps read the run and leave it.
    for (let at = 1000; at <= 6000; at += 1000) {
      await clock.advance(1000);
      await memory.renewLeases(OTHER, ["held"], t0 + at + 3000, t0 + at);
    }
    // Before, each sweep put it on a timer at its lease's end and tried to claim it there (in vain).
    expect(claims).toEqual([]);
    // The owner dies after its last renewal: the run is taken at that lease's end.
    await clock.advance(2999);
    expect(claims).toEqual([]);
    await clock.advance(1);
    await expect(fairway.waitForRun("held")).resolves.toBe("taken over");
    expect(claims).toEqual([t0 + 9000]);
    await fairway.close();
  });
});
