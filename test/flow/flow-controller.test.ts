import { describe, expect, it } from "vitest";
import { normalizeFlowConfig } from "../../src/flow/config/flow-config.js";
import type { FlowConfigInput } from "../../src/flow/config/types.js";
import type { CompileExpression } from "../../src/flow/expression.js";
import { type Admission, FlowController } from "../../src/flow/flow-controller.js";
import { dueChange, type PendingState } from "../../src/flow/pending-changes.js";
import { storedFlowKeys } from "../../src/flow/run-keys.js";
import type { FlowEvent } from "../../src/flow/timers.js";
import { compile } from "./compile.js";
import { ManualClock } from "./manual-clock.js";

function setup(input: FlowConfigInput) {
  const clock = new ManualClock();
  const cancelled: Array<[string, string]> = [];
  const flow = new FlowController({
    appId: "app",
    compile,
    clock,
    cancelRun: (runId, reason) => cancelled.push([runId, reason]),
  });
  flow.define("fn", normalizeFlowConfig(input, compile));
  let seq = 0;
  const event = (data: Record<string, unknown> = {}, name = "e"): FlowEvent & { seq: number } => {
    seq += 1;
    return { name, data, id: `ev${seq}`, ts: clock.now(), seq };
  };
  return { clock, cancelled, flow, event };
}

/**
 * The store's side of debounce and batching, as a map: applies deferred admissions' changes, and fires
 * due entries (`fire`), recording each released run's event ids in `created`.
 */
function pendingTable(clock: ManualClock) {
  const entries = new Map<string, PendingState>();
  const created: string[][] = [];
  const change = (key: string, result: ReturnType<Extract<Admission, { kind: "deferred" }>["apply"]>) => {
    if (result === undefined) return;
    if ("release" in result) {
      entries.delete(key);
      created.push(result.release);
    } else entries.set(key, result);
  };
  return {
    entries,
    created,
    offer(admission: Admission, event: FlowEvent) {
      if (admission.kind !== "deferred") throw new Error(`expected deferred, got ${admission.kind}`);
      change(admission.key, admission.apply(entries.get(admission.key), event));
    },
    fire() {
      for (const [key, state] of [...entries]) change(key, dueChange(clock.now())(state, undefined));
    },
  };
}

describe("FlowController admission", () => {
  it("rate limit: admits limit runs per key, skips the rest with a reason", () => {
    const { flow, event, clock } = setup({ rateLimit: { limit: 2, period: "1m", key: "event.data.user" } });
    const kinds = ["a", "a", "a", "b"].map((user, i) => flow.admit("fn", `r${i}`, event({ user })));
    expect(kinds.map((a) => a.kind)).toEqual(["run", "run", "skip", "run"]);
    expect(kinds[2]).toMatchObject({
      reason: expect.stringContaining('rateLimit: 2 runs per 60000 ms reached for key "a"'),
    });
    clock.advance(60_000);
    expect(flow.admit("fn", "r9", event({ user: "a" })).kind).toBe("run");
  });

  it("idempotency: one run per key per 24 h", () => {
    const { flow, event, clock } = setup({ idempotency: "event.data.order" });
    expect(flow.admit("fn", "r1", event({ order: 1 })).kind).toBe("run");
    expect(flow.admit("fn", "r2", event({ order: 1 })).kind).toBe("skip");
    expect(flow.admit("fn", "r3", event({ order: 2 })).kind).toBe("run");
    clock.advance(24 * 3_600_000 - 1);
    expect(flow.admit("fn", "r4", event({ order: 1 })).kind).toBe("skip");
    clock.advance(1);
    expect(flow.admit("fn", "r5", event({ order: 1 })).kind).toBe("run");
  });

  it("debounce: defers with the change that keeps the last event; due after the quiet period", () => {
    const { flow, event, clock } = setup({ debounce: { period: "10s", key: "event.data.user" } });
    const table = pendingTable(clock);
    const offer = (runId: string, e: FlowEvent) => table.offer(flow.admit("fn", runId, e), e);
    const first = event({ user: "a", n: 1 });
    expect(flow.admit("fn", "r0", first)).toMatchObject({ kind: "deferred", by: "debounce", key: "a" });
    offer("r1", first);
    expect(table.entries.get("a")).toEqual({
      eventIds: ["ev1"],
      lastTs: first.ts,
      firstAt: first.ts,
      dueAt: first.ts + 10_000,
    });
    clock.advance(5000);
    offer("r2", event({ user: "a", n: 2 }));
    offer("r3", event({ user: "b", n: 3 }));
    clock.advance(9999);
    table.fire();
    expect(table.created).toEqual([]);
    clock.advance(1);
    table.fire();
    expect(table.created).toEqual([["ev2"], ["ev3"]]);
    // The released run passes admission without being debounced again.
    expect(flow.admit("fn", "r4", event({ user: "a" }), "released").kind).toBe("run");
  });

  it("debounce with a rate limit: the event counts when it joins; the store may refuse it, or its event may never be stored: then it is taken back", () => {
    const { flow, event } = setup({
      debounce: { period: "10s", key: "event.data.key" },
      rateLimit: { limit: 2, period: "1m" },
    });
    const first = flow.admit("fn", "r0", event({ key: "a" }));
    // What a shared store decides again with the deferral (`FlowPendingUpdate.admission`).
    expect(first).toMatchObject({
      kind: "deferred",
      store: {
        keys: { rateLimitKey: "" },
        windows: [{ scope: "rateLimit:fn\u0000", limit: 2, periodMs: 60_000 }],
      },
    });
    flow.deferralApplied("r0");
    // r1 is refused by the store (or its send fails): reported ended, it frees its place.
    expect(flow.admit("fn", "r1", event({ key: "b" })).kind).toBe("deferred");
    flow.runEnded("r1");
    expect(flow.admit("fn", "r2", event({ key: "c" })).kind).toBe("deferred");
    flow.deferralApplied("r2");
    // r0 and r2 joined for good: a later end report of their ids takes nothing back.
    flow.runEnded("r0");
    expect(flow.admit("fn", "r3", event({ key: "d" }))).toMatchObject({ kind: "skip" });
    // Without a rate limit or idempotency a deferral asks the store nothing.
    const plain = setup({ debounce: { period: "10s" } });
    expect(plain.flow.admit("fn", "r0", plain.event())).not.toHaveProperty("store");
  });

  it("batching: one run per maxSize events or at timeout; `if` false runs alone", () => {
    const { flow, event, clock } = setup({
      batchEvents: { maxSize: 3, timeout: "5s", key: "event.data.org", if: "event.data.small == true" },
    });
    const table = pendingTable(clock);
    const offer = (runId: string, e: FlowEvent) => table.offer(flow.admit("fn", runId, e), e);
    for (let n = 0; n < 4; n++) offer(`r${n}`, event({ org: "o1", small: true, n }));
    expect(table.created).toEqual([["ev1", "ev2", "ev3"]]);
    expect(flow.admit("fn", "big", event({ org: "o1", small: false })).kind).toBe("run");
    offer("x", event({ org: "o2", small: true, n: 9 }));
    clock.advance(4999);
    table.fire();
    expect(table.created).toHaveLength(1);
    clock.advance(1);
    table.fire();
    expect(table.created).toEqual([["ev1", "ev2", "ev3"], ["ev4"], ["ev6"]]);
  });

  it("singleton skip: a second run while one is active is skipped; free again after it ends", () => {
    const { flow, event } = setup({ singleton: { mode: "skip", key: "event.data.user" } });
    const first = event({ user: "a" });
    expect(flow.admit("fn", "r1", first).kind).toBe("run");
    expect(flow.admit("fn", "r2", event({ user: "a" }))).toMatchObject({
      kind: "skip",
      reason: 'singleton: run r1 is active for key "a"',
    });
    expect(flow.admit("fn", "r3", event({ user: "b" })).kind).toBe("run");
    flow.runCreated({ id: "r1", functionId: "fn", event: first, eventSeq: first.seq, createdAt: 0 });
    flow.runEnded("r1");
    expect(flow.admit("fn", "r4", event({ user: "a" })).kind).toBe("run");
  });

  it("singleton cancel: the holder is cancelled and the new run takes the key", () => {
    const { flow, event, cancelled } = setup({ singleton: { mode: "cancel" } });
    expect(flow.admit("fn", "r1", event()).kind).toBe("run");
    expect(flow.admit("fn", "r2", event()).kind).toBe("run");
    expect(cancelled).toEqual([["r1", "singleton: replaced by run r2"]]);
    flow.runEnded("r1");
    expect(flow.admit("fn", "r3", event()).kind).toBe("run");
    expect(cancelled.at(-1)).toEqual(["r2", "singleton: replaced by run r3"]);
  });

  it("a run never stored frees its singleton key", () => {
    const { flow, event } = setup({ singleton: { mode: "skip" } });
    flow.admit("fn", "r1", event());
    flow.runEnded("r1");
    expect(flow.admit("fn", "r2", event()).kind).toBe("run");
  });

  it("records keys and warnings, and builds scheduler items from them", () => {
    const { flow, event } = setup({
      concurrency: [{ limit: 10 }, { limit: 2, key: "event.data.user" }],
      priority: { run: "event.data.p" },
    });
    const admission = flow.admit("fn", "r1", event({ p: "high" }));
    expect(admission.kind).toBe("run");
    if (admission.kind !== "run") throw new Error("expected a run");
    expect(admission.keys.warnings).toHaveLength(2);
    const item = flow.queueItem({ runId: "r1", functionId: "fn", createdAt: 5, resume: false });
    expect(item).toEqual({
      runId: "r1",
      functionId: "fn",
      kind: "start",
      createdAt: 5,
      priority: 0,
      claims: [
        { id: "fn:fn", limit: 10 },
        {
          id: "fn:fn:event.data.user=__null__",
          limit: 2,
          keyExpression: "event.data.user",
          keyValue: "__null__",
        },
      ],
      key: "__null__",
    });
    // A run restored after a restart gets keys from its event when it is registered.
    const old = event({ user: "u", p: 9 });
    flow.runCreated({ id: "old", functionId: "fn", event: old, eventSeq: old.seq, createdAt: 1 });
    const restored = flow.queueItem({ runId: "old", functionId: "fn", createdAt: 1, resume: true });
    expect(restored).toMatchObject({ kind: "resume", priority: 9, key: "u" });
    // One it never saw still gets the function's limits, with the null key.
    const unknown = flow.queueItem({ runId: "x", functionId: "fn", createdAt: 1, resume: false });
    expect(unknown.claims).toEqual([
      { id: "fn:fn", limit: 10 },
      {
        id: "fn:fn:event.data.user=__null__",
        limit: 2,
        keyExpression: "event.data.user",
        keyValue: "__null__",
      },
    ]);
  });
});

describe("FlowController watches runs", () => {
  it("registers runs stored before their function was defined once it is", () => {
    const clock = new ManualClock();
    const flow = new FlowController({
      appId: "app",
      compile,
      clock,
      cancelRun: () => {},
    });
    const event = { name: "e", data: { user: "u1" }, id: "1", ts: 0 };
    flow.runCreated({ id: "early", functionId: "later", event, eventSeq: 1, createdAt: 0 });
    flow.define("later", normalizeFlowConfig({ concurrency: { limit: 1, key: "event.data.user" } }, compile));
    const item = flow.queueItem({ runId: "early", functionId: "later", createdAt: 0, resume: false });
    expect(item.claims).toEqual([
      { id: "fn:later:event.data.user=u1", limit: 1, keyExpression: "event.data.user", keyValue: "u1" },
    ]);
  });

  it("cancelOn: only events after the run was scheduled, only matching ones", () => {
    const { flow, event, cancelled } = setup({ cancelOn: [{ event: "stop", match: "data.job" }] });
    const early = event({ job: 1 }, "stop");
    const trigger = event({ job: 1 });
    flow.admit("fn", "r1", trigger);
    flow.runCreated({ id: "r1", functionId: "fn", event: trigger, eventSeq: trigger.seq, createdAt: 0 });
    flow.eventReceived(early);
    flow.eventReceived(event({ job: 2 }, "stop"));
    flow.eventReceived(event({ job: 1 }, "other"));
    expect(cancelled).toEqual([]);
    const stop = event({ job: 1 }, "stop");
    flow.eventReceived(stop);
    expect(cancelled).toEqual([["r1", `cancelOn[0]: event stop (${stop.id})`]]);
    flow.runEnded("r1");
    flow.eventReceived(event({ job: 1 }, "stop"));
    expect(cancelled).toHaveLength(1);
  });

  it("timeouts.start cancels a run that has not started; timeouts.finish one that has not finished", () => {
    const { flow, event, clock, cancelled } = setup({ timeouts: { start: "10s", finish: "1m" } });
    const created = clock.now();
    for (const id of ["slow-start", "slow-finish", "ok"]) {
      const trigger = event();
      flow.admit("fn", id, trigger);
      flow.runCreated({ id, functionId: "fn", event: trigger, eventSeq: trigger.seq, createdAt: created });
    }
    clock.advance(5000);
    flow.runStarted("slow-finish");
    flow.runStarted("ok");
    clock.advance(5000);
    expect(cancelled).toEqual([["slow-start", "timeouts.start: deadline passed"]]);
    flow.runEnded("slow-start");
    flow.runStarted("slow-finish"); // a resume does not restart the finish deadline
    clock.advance(50_000);
    flow.runEnded("ok");
    clock.advance(10_000);
    expect(cancelled).toEqual([
      ["slow-start", "timeouts.start: deadline passed"],
      ["slow-finish", "timeouts.finish: deadline passed"],
    ]);
    expect(clock.pending).toBe(0);
  });

  it("restored started runs get their finish deadline from startedAt", () => {
    const { flow, event, clock, cancelled } = setup({ timeouts: { finish: "1m" } });
    const trigger = event();
    const startedAt = clock.now() - 50_000;
    flow.runCreated({
      id: "r",
      functionId: "fn",
      event: trigger,
      eventSeq: 1,
      createdAt: startedAt,
      startedAt,
    });
    clock.advance(9999);
    expect(cancelled).toEqual([]);
    clock.advance(1);
    expect(cancelled).toEqual([["r", "timeouts.finish: deadline passed"]]);
  });

  it("stop clears every timer (a debounce arms none here: its entry and timer belong to the engine)", () => {
    const { flow, event, clock } = setup({ debounce: { period: "1s" }, timeouts: { start: "1m" } });
    flow.admit("fn", "r1", event());
    const trigger = event();
    flow.runCreated({ id: "r2", functionId: "fn", event: trigger, eventSeq: 2, createdAt: clock.now() });
    expect(clock.pending).toBe(1);
    flow.stop();
    expect(clock.pending).toBe(0);
  });
});

describe("FlowController reads a run's keys from the stored run", () => {
  const keyed: FlowConfigInput = {
    concurrency: [{ limit: 10 }, { limit: 2, key: "event.data.user" }],
    throttle: { limit: 5, period: "1m", key: "event.data.org" },
    rateLimit: { limit: 100, period: "1h", key: "event.data.user" },
    idempotency: "event.data.id",
    singleton: { mode: "skip", key: "event.data.user" },
    priority: { run: "event.data.p" },
  };

  /** A flow controller whose compiler records the source of every evaluation. */
  function counted() {
    const evaluated: string[] = [];
    const counting: CompileExpression = (source, variables) => {
      const compiled = compile(source, variables);
      return (values) => {
        evaluated.push(source);
        return compiled(values);
      };
    };
    const clock = new ManualClock();
    const flow = new FlowController({ appId: "app", compile: counting, clock, cancelRun: () => {} });
    flow.define("fn", normalizeFlowConfig(keyed, compile));
    return { flow, evaluated };
  }

  const trigger = { name: "e", id: "ev1", ts: 0, data: { user: "u1", org: "o1", id: "x", p: 3 } };
  const due = { runId: "r1", functionId: "fn", createdAt: 5, resume: false };

  it("evaluates each key once, at admission; a run read back gets the stored keys, evaluating nothing", () => {
    const { flow, evaluated } = counted();
    const admission = flow.admit("fn", "r1", trigger);
    if (admission.kind !== "run") throw new Error("expected a run");
    const stored = {
      concurrencyKeys: admission.keys.concurrencyKeys,
      flowKeys: storedFlowKeys(admission.keys),
    };
    expect(stored).toEqual({
      concurrencyKeys: ["", "u1"],
      flowKeys: { throttle: "o1", rateLimit: "u1", idempotency: "x", singleton: "u1", priority: 3 },
    });
    expect(evaluated).toHaveLength(6);
    const admitted = flow.queueItem(due);

    // The run leaves memory and is read back (here, or by another process): an empty event proves the
    // keys come from the stored run.
    flow.forgetKeys("r1");
    evaluated.length = 0;
    const empty = { name: "e", id: "ev1", ts: 0, data: {} };
    flow.runCreated({ id: "r1", functionId: "fn", event: empty, eventSeq: 1, createdAt: 5 }, stored);
    expect(flow.queueItem(due)).toEqual(admitted);

    // Start-up's rebuilt windows (from the stored admissions' scopes) and GCRA state take the stored keys too.
    const scopes = admission.store?.windows.map((window) => window.scope) ?? [];
    expect(scopes).toEqual(["rateLimit:fn\u0000u1", "idempotency:fn\u0000x"]);
    const restarted = counted();
    restarted.evaluated.length = 0;
    for (const scope of scopes) restarted.flow.restoreAdmission(scope, 0);
    restarted.flow.restoreThrottleStart("fn", empty, 0, 0, stored);
    expect([...evaluated, ...restarted.evaluated]).toEqual([]);
    // The idempotency key "x" was counted: the same event again is skipped.
    expect(restarted.flow.admit("fn", "r2", trigger)).toMatchObject({ kind: "skip" });
  });

  it("a pending run watched at start-up holds its stored singleton key, evaluating nothing and keeping no keys", () => {
    const { flow, evaluated } = counted();
    const empty = { name: "e", id: "ev1", ts: 0, data: {} };
    const pending = { id: "r1", functionId: "fn", event: empty, eventSeq: 1, createdAt: 5 };
    flow.watchPending(pending, { concurrencyKeys: ["", "u1"], flowKeys: { singleton: "u1", priority: 3 } });
    expect(evaluated).toEqual([]);
    expect(flow.admit("fn", "r2", trigger)).toMatchObject({
      kind: "skip",
      reason: 'singleton: run r1 is active for key "u1"',
    });
    // No keys kept (not the stored "u1" and 3): when the run is due its keys are read back with it.
    expect(flow.queueItem(due)).toMatchObject({ key: "__null__", priority: 0 });
    // A run stored without its singleton key (an older version) gets it from its event.
    flow.watchPending({ ...pending, id: "r3", event: { ...trigger, data: { user: "u3" } } });
    expect(flow.admit("fn", "r4", { ...trigger, data: { ...trigger.data, user: "u3" } })).toMatchObject({
      kind: "skip",
    });
  });

  it("a run stored without flow keys (an older version) gets the missing ones from its event, once", () => {
    const { flow, evaluated } = counted();
    const old = { id: "r1", functionId: "fn", event: trigger, eventSeq: 1, createdAt: 5 };
    flow.runCreated(old, { concurrencyKeys: ["", "u1"] });
    expect(evaluated.sort()).toEqual([
      "event.data.id",
      "event.data.org",
      "event.data.p",
      "event.data.user",
      "event.data.user",
    ]);
    expect(flow.queueItem(due)).toMatchObject({ priority: 3, key: "u1", throttle: { id: "fn:o1" } });
    expect(evaluated).toHaveLength(5);
  });
});
