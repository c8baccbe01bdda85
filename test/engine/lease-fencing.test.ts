/**
 * Every write of a run's state is fenced by its lease: a process that lost the lease (it expired while the
 * process could not renew it, or another process took the run over) writes nothing to that run, and a
 * renewal that reports the run lost stops the execution.
 */
import { describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import type { Store } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** `store` seen through a proxy that counts `saveStep` calls and can make `renewLeases` fail. */
function instrumented(store: Store, options: { renewFails?: boolean } = {}) {
  const calls = { saveStep: 0 };
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === "renewLeases" && options.renewFails)
        return () => Promise.reject(new Error("network partition"));
      if (property === "saveStep") {
        return (...args: Parameters<Store["saveStep"]>) => {
          calls.saveStep += 1;
          return target.saveStep(...args);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: proxy, calls };
}

/** Two engines on one store and one clock: `a` executes first and hangs in step "a" until `release()`. */
function twoProcesses(options: { renewFails: boolean }) {
  const clock = new FakeClock();
  const shared = new MemoryStore();
  const a = instrumented(shared, options);
  const effects: string[] = [];
  let release: (value: string) => void = () => {};
  const gate = new Promise<string>((resolve) => {
    release = resolve;
  });
  const first = new Fairway({ id: "app", store: a.store, clock, logger: silent, leaseMs: 1000 });
  first.createFunction({ id: "f" }, { event: "go" }, async ({ step }) => {
    const value = await step.run("a", () => gate);
    effects.push(`first continued after a=${value}`);
    return step.run("b", () => "b by first");
  });
  const second = new Fairway({ id: "app", store: shared, clock, logger: silent, leaseMs: 1000 });
  second.createFunction({ id: "f" }, { event: "go" }, async ({ step }) => {
    const value = await step.run("a", () => "a by second");
    return `${value}, ${await step.run("b", () => "b by second")}`;
  });
  return { clock, shared, first, second, calls: a.calls, effects, release: (v: string) => release(v) };
}

describe("lease fencing", () => {
  it("a process whose lease expired cannot checkpoint the run another process took over", async () => {
    const { clock, shared, first, second, calls, effects, release } = twoProcesses({ renewFails: true });
    const { ids } = await first.send({ name: "go", data: {} });
    await clock.advance(10);
    const runId = (await first.listRuns({ functionId: "f" })).runs[0]?.id as string;
    expect((await shared.getRun(runId))?.status).toBe("running");
    // The first process cannot renew and its lease runs out; the second takes the run over.
    await clock.advance(1000);
    await second.start();
    await clock.advance(10);
    await expect(second.waitForRun(runId)).resolves.toBe("a by second, b by second");
    // The first process's step ends now: its checkpoint is refused and its handler goes no further.
    const before = calls.saveStep;
    release("a by first");
    await clock.advance(10);
    expect(calls.saveStep - before).toBe(1);
    expect(effects).toEqual([]);
    const steps = await shared.getSteps(runId);
    expect(steps.map((step) => [step.id, step.outputText])).toEqual([
      ["a", '["a by second"]'],
      ["b", '["b by second"]'],
    ]);
    expect((await shared.getRun(runId))?.eventIds).toEqual(ids);
    await first.close();
    await second.close();
  });

  it("a renewal that reports the run lost stops the execution before it writes again", async () => {
    const { clock, shared, first, second, calls, effects, release } = twoProcesses({ renewFails: false });
    await first.send({ name: "go", data: {} });
    await clock.advance(10);
    const runId = (await first.listRuns({ functionId: "f" })).runs[0]?.id as string;
    // The second engine takes the run over (it finds the first's lease owned by this pid under
    // another owner id, i.e. a dead instance, and releases it).
    await second.start();
    await expect(second.waitForRun(runId)).resolves.toBe("a by second, b by second");
    // The first process's next renewal reports the run lost: the execution stops.
    await clock.advance(400);
    const before = calls.saveStep;
    release("a by first");
    await clock.advance(10);
    expect(calls.saveStep - before).toBe(0);
    expect(effects).toEqual([]);
    expect((await shared.getSteps(runId)).map((step) => step.outputText)).toEqual([
      '["a by second"]',
      '["b by second"]',
    ]);
    await first.close();
    await second.close();
  });
});
