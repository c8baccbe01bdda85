import { describe, expect, it } from "vitest";
import { normalizeFlowConfig } from "../../src/flow/config/flow-config.js";
import { FairScheduler } from "../../src/flow/fair-scheduler.js";
import { FlowController } from "../../src/flow/flow-controller.js";
import { LimitOverrides } from "../../src/flow/limit-overrides.js";
import { compile } from "./compile.js";
import { drain, keyedStart } from "./keyed-items.js";
import { ManualClock } from "./manual-clock.js";

const override = { updatedAt: 0 };

describe("LimitOverrides in the fair scheduler", () => {
  it("a raised key limit wakes its parked backlog at once; other keys keep the configured limit", () => {
    const limits = new LimitOverrides();
    const scheduler = new FairScheduler({ limits });
    for (const id of ["a1", "a2", "a3"]) scheduler.enqueue(keyedStart(id, "a"));
    for (const id of ["b1", "b2"]) scheduler.enqueue(keyedStart(id, "b"));
    expect(drain(scheduler)).toEqual(["a1", "b1"]);
    limits.set({ ...override, functionId: "fn", key: "a", concurrency: { limit: 3 } });
    scheduler.limitsChanged();
    expect(drain(scheduler)).toEqual(["a2", "a3"]);
    limits.delete("fn", "a");
    scheduler.limitsChanged();
    scheduler.release("a1");
    expect(drain(scheduler)).toEqual([]);
  });

  it("an override naming another key expression leaves the claim alone; an unkeyed claim is never overridden", () => {
    const limits = new LimitOverrides();
    limits.set({ ...override, functionId: "fn", key: "a", concurrency: { limit: 5, key: "other" } });
    const claim = { id: "fn:fn:u=a", limit: 1, keyExpression: "u", keyValue: "a" };
    expect(limits.concurrencyLimit("fn", claim)).toBe(1);
    limits.set({ ...override, functionId: "fn", key: "a", concurrency: { limit: 5, key: "u" } });
    expect(limits.concurrencyLimit("fn", claim)).toBe(5);
    expect(limits.concurrencyLimit("fn", { id: "fn:fn", limit: 2 })).toBe(2);
    expect(limits.concurrencyLimit("other-fn", claim)).toBe(1);
  });

  it("a throttle override changes one key's GCRA rate; a throttled backlog is re-checked after the change", () => {
    const limits = new LimitOverrides();
    const scheduler = new FairScheduler({ limits });
    const throttled = (runId: string, user: string) =>
      keyedStart(runId, user, {
        claims: [],
        throttle: { id: `fn:${user}`, limit: 1, periodMs: 60_000, burst: 0, keyValue: user },
      });
    for (const id of ["a1", "a2", "a3"]) scheduler.enqueue(throttled(id, "a"));
    for (const id of ["b1", "b2"]) scheduler.enqueue(throttled(id, "b"));
    expect(drain(scheduler, 0)).toEqual(["a1", "b1"]);
    limits.set({
      ...override,
      functionId: "fn",
      key: "a",
      throttle: { limit: 10, periodMs: 60_000, burst: 0 },
    });
    scheduler.limitsChanged();
    // 10 per minute: one every 6 s for key a; key b still one per minute.
    expect(drain(scheduler, 6_000)).toEqual(["a2"]);
    expect(drain(scheduler, 12_000)).toEqual(["a3"]);
    expect(drain(scheduler, 59_999)).toEqual([]);
    expect(drain(scheduler, 60_000)).toEqual(["b2"]);
  });
});

describe("LimitOverrides in admission", () => {
  it("a rate-limit override admits more runs for one key value only", () => {
    const clock = new ManualClock();
    const limits = new LimitOverrides();
    const flow = new FlowController({ appId: "app", compile, clock, limits, cancelRun: () => {} });
    flow.define(
      "fn",
      normalizeFlowConfig({ rateLimit: { limit: 1, period: "1m", key: "event.data.u" } }, compile),
    );
    limits.set({ ...override, functionId: "fn", key: "vip", rateLimit: { limit: 3, periodMs: 60_000 } });
    const admit = (runId: string, u: string) =>
      flow.admit("fn", runId, { name: "e", data: { u }, id: runId, ts: clock.now() }).kind;
    expect(["v1", "v2", "v3", "v4"].map((id) => admit(id, "vip"))).toEqual(["run", "run", "run", "skip"]);
    expect(["n1", "n2"].map((id) => admit(id, "normal"))).toEqual(["run", "skip"]);
  });
});
