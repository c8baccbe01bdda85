/**
 * The behavioural suite every Store implementation must pass. Call `storeContract(name, make)` from a test
 * file; `make` returns a fresh, initialized store.
 */
import { afterEach, describe, expect, it } from "vitest";
import type {
  FlowPending,
  FlowPendingKind,
  RunRecord,
  StepRow,
  Store,
  StoredEvent,
  WaitRow,
} from "../../src/store/store.js";

import { run, T0 } from "./run-record.js";

export { run, T0 };

function event(id: string, name = "e", userId?: string): Omit<StoredEvent, "seq"> {
  return { id, name, data: { id }, ts: T0, receivedAt: T0, ...(userId ? { userId } : {}) };
}

function step(runId: string, id: string, fields: Partial<StepRow> = {}): StepRow {
  return {
    runId,
    id,
    name: id,
    op: "run",
    status: "completed",
    position: 0,
    attempts: 1,
    startedAt: T0,
    ...fields,
  };
}

function wait(runId: string, stepId: string, fields: Partial<WaitRow> = {}): WaitRow {
  return {
    id: `${runId}:${stepId}`,
    runId,
    stepId,
    eventName: "go",
    triggerEvent: { name: "e", data: {}, id: "x", ts: T0 },
    expiresAt: T0 + 1000,
    afterSeq: 0,
    ...fields,
  };
}

const noChildren = { now: T0, events: [], runs: [] };

/** Claims `runId` for `w1` at T0 and registers its wait `stepId` for "go" events (no stored event matches). */
async function registerPending(s: Store, runId: string, stepId: string, fields: Partial<WaitRow> = {}) {
  await s.claimRun(runId, "w1", T0, 1000);
  await s.registerWait({
    lease: W1,
    wait: wait(runId, stepId, fields),
    pending: step(runId, stepId, { op: "waitForEvent", status: "waiting", wakeAt: T0 + 1000 }),
    matches: () => false,
    completed: (e) => step(runId, stepId, { op: "waitForEvent", eventId: e.id }),
  });
}

/** The lease `w1` takes by claiming at T0 (claims below last 1000 ms). */
const W1 = { owner: "w1", now: T0 };

/** Inside a `describe`: a function that makes the test's store with `make`; the store is closed after the test. */
export function storePerTest(make: () => Promise<Store>): () => Promise<Store> {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return async () => {
    store = await make();
    return store;
  };
}

export function storeContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    const open = storePerTest(make);

    it("ping resolves while the store is reachable", async () => {
      const s = await open();
      await expect(s.ping()).resolves.toBeUndefined();
    });

    it("acceptEvents assigns increasing seq and creates runs with the event's seq", async () => {
      const s = await open();
      const first = await s.acceptEvents({
        now: T0,
        events: [event("e1"), event("e2")],
        runs: [{ run: run("r1"), eventIndex: 1 }],
      });
      expect(first.events.map((e) => e.seq)).toEqual([1, 2]);
      expect(first.runs[0]?.eventSeq).toBe(2);
      const second = await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r2") }] });
      expect(second.runs[0]?.eventSeq).toBe(2);
      expect(await s.getEvent("e1")).toMatchObject({ id: "e1", data: { id: "e1" }, seq: 1 });
      expect(await s.getEvent("nope")).toBeUndefined();
    });

    it("a big acceptEvents (600 events, their runs, a rerun) stores all of it with the same seq rules", async () => {
      const s = await open();
      const ids = Array.from({ length: 600 }, (_, n) => `e${String(n).padStart(3, "0")}`);
      const result = await s.acceptEvents({
        now: T0,
        events: ids.map((id) => event(id)),
        runs: [
          ...ids.map((id, index) => ({ run: run(`r-${id}`), eventIndex: index })),
          { run: run("rerun") },
        ],
      });
      expect(result.events.map((e) => e.seq)).toEqual(ids.map((_, index) => index + 1));
      expect(result.runs.map((r) => r.eventSeq)).toEqual([...ids.map((_, index) => index + 1), 600]);
      expect(await s.getRun("r-e599")).toMatchObject({ eventSeq: 600 });
      expect(await s.getRun("rerun")).toMatchObject({ eventSeq: 600 });
      expect(await s.getEvent("e599")).toMatchObject({ seq: 600 });
    });

    it("dedup skips a run while its key is unexpired, then allows it again", async () => {
      const s = await open();
      const dedup = { functionId: "fn", key: "k", expiresAt: T0 + 100 };
      const a = await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1"), dedup }] });
      const b = await s.acceptEvents({ now: T0 + 99, events: [], runs: [{ run: run("r2"), dedup }] });
      const c = await s.acceptEvents({
        now: T0 + 100,
        events: [],
        runs: [{ run: run("r3"), dedup: { ...dedup, expiresAt: T0 + 200 } }],
      });
      const other = await s.acceptEvents({
        now: T0,
        events: [],
        runs: [{ run: run("r4"), dedup: { ...dedup, functionId: "g" } }],
      });
      expect([a, b, c, other].map((result) => result.runs.length)).toEqual([1, 0, 1, 1]);
    });

    it("claimRun leases a due, unleased, non-terminal run once", async () => {
      const s = await open();
      await s.acceptEvents({
        now: T0,
        events: [],
        runs: [{ run: run("r1") }, { run: run("later", { readyAt: T0 + 50 }) }],
      });
      expect(await s.claimRun("later", "w1", T0, 1000)).toBeUndefined();
      const claimed = await s.claimRun("r1", "w1", T0, 1000);
      expect(claimed?.run).toMatchObject({
        status: "running",
        startedAt: T0,
        leaseOwner: "w1",
        leaseExpiresAt: T0 + 1000,
      });
      expect(claimed?.steps).toEqual([]);
      expect(await s.claimRun("r1", "w2", T0 + 999, 1000)).toBeUndefined();
      expect(await s.renewLeases("w1", ["r1"], T0 + 5000, T0 + 1)).toEqual([]);
      expect(await s.claimRun("r1", "w2", T0 + 4999, 1000)).toBeUndefined();
      const reclaimed = await s.claimRun("r1", "w2", T0 + 5000, 1000);
      expect(reclaimed?.run).toMatchObject({ leaseOwner: "w2", startedAt: T0 });
      await s.releaseLeases("w2");
      expect((await s.getRun("r1"))?.leaseOwner).toBeUndefined();
      expect(await s.claimRun("missing", "w1", T0, 1000)).toBeUndefined();
    });

    it("claimRun with slots claims like claimRun while its scopes have room; a single-process store ignores them", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }, { run: run("r2") }] });
      const slots = [{ scope: "fn:fn", limit: 1 }];
      expect(await s.claimRun("r1", "w1", T0, 1000, slots)).toMatchObject({
        run: { id: "r1", status: "running", leaseOwner: "w1" },
        steps: [],
      });
      // A store shared by several processes (PostgreSQL) decides the slot; the others leave it to the
      // engine's in-memory decision, exact in their one process.
      const second = await s.claimRun("r2", "w1", T0, 1000, slots);
      if (s.shared) expect(second).toEqual({ refused: true, scope: "fn:fn" });
      else expect(second).toMatchObject({ run: { id: "r2", status: "running" } });
    });

    it("admission and throttle that fit change nothing; a single-process store ignores them when they do not", async () => {
      const s = await open();
      const admission = {
        windows: [{ scope: "rateLimit:fn\u0000", limit: 1, periodMs: 1000, reason: "rate limit full" }],
        singleton: { scope: "singleton:fn\u0000", key: "", mode: "skip" as const },
      };
      const first = await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1"), admission }] });
      expect(first.runs).toMatchObject([{ id: "r1", status: "queued" }]);
      const throttle = { scope: "fn", limit: 1, periodMs: 1000, burst: 0 };
      expect(await s.claimRun("r1", "w1", T0, 1000, [], throttle)).toMatchObject({ run: { id: "r1" } });
      // Only the PostgreSQL store decides them (several processes); the others leave it to the engine.
      const second = await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r2"), admission }] });
      const claim = await s.claimRun("r2", "w1", T0, 1000, [], throttle);
      if (s.shared) {
        expect(second.runs).toMatchObject([{ id: "r2", status: "skipped", skipReason: "rate limit full" }]);
        expect(claim).toBeUndefined();
      } else {
        expect(second.runs).toMatchObject([{ id: "r2", status: "queued" }]);
        expect(claim).toMatchObject({ run: { id: "r2", status: "running" } });
      }
    });

    it("listAdmissions pages the admissions of the runs created and the debounced events applied", async () => {
      const s = await open();
      const window = (scope: string) => ({ scope, limit: 10, periodMs: 60_000, reason: "full" });
      const rate = window("rateLimit:fn\u0000a");
      const once = window("idempotency:fn\u0000o1");
      const dedup = { functionId: "fn", key: "k", expiresAt: T0 + 60_000 };
      // A debounced event joins its debounce: it counts under its candidate run id (never created). Its
      // accept comes first with a later `now` (another clock): the list is still in time order.
      await s.acceptEvents({
        now: T0 + 2,
        events: [event("e2")],
        runs: [],
        flow: [
          {
            functionId: "fn",
            kind: "debounce",
            key: "",
            eventIndex: 0,
            apply: () => ({ eventIds: ["e2"], lastTs: T0, firstAt: T0 + 2, dueAt: T0 + 1000 }),
            buildRun: () => undefined,
            admission: { windows: [rate], refused: { run: run("d1") } },
          },
        ],
      });
      await s.acceptEvents({
        now: T0,
        events: [event("e1")],
        runs: [
          { run: run("r1"), eventIndex: 0, admission: { windows: [rate, once] } },
          { run: run("r2"), eventIndex: 0, dedup, admission: { windows: [rate] } },
          { run: run("plain"), eventIndex: 0 },
        ],
      });
      // A run deduplicated by its event id is not created: it counts nowhere.
      await s.acceptEvents({
        now: T0 + 1,
        events: [],
        runs: [{ run: run("r3"), dedup, admission: { windows: [rate] } }],
      });
      const all = [
        { scope: "idempotency:fn\u0000o1", at: T0, runId: "r1" },
        { scope: "rateLimit:fn\u0000a", at: T0, runId: "r1" },
        { scope: "rateLimit:fn\u0000a", at: T0, runId: "r2" },
        { scope: "rateLimit:fn\u0000a", at: T0 + 2, runId: "d1" },
      ];
      expect(await s.listAdmissions({ since: T0 - 1, limit: 10 })).toEqual(all);
      const first = await s.listAdmissions({ since: T0 - 1, limit: 2 });
      expect(first).toEqual(all.slice(0, 2));
      expect(await s.listAdmissions({ since: T0 - 1, limit: 2, after: first[1] })).toEqual(all.slice(2));
      // `since` is exclusive, as a window's start.
      expect(await s.listAdmissions({ since: T0, limit: 10 })).toEqual(all.slice(3));
      expect(await s.getRun("d1")).toBeUndefined();
    });

    it("claimRun lets the holder take its own live lease again (an abandoned execution's retry)", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
      await s.claimRun("r1", "w1", T0, 1000);
      expect(await s.claimRun("r1", "w2", T0 + 10, 1000)).toBeUndefined();
      expect((await s.claimRun("r1", "w1", T0 + 10, 1000))?.run).toMatchObject({
        leaseOwner: "w1",
        leaseExpiresAt: T0 + 1010,
      });
    });

    it("renewLeases extends live leases and reports the runs the owner no longer holds", async () => {
      const s = await open();
      const ids = ["held", "expired", "taken", "cancelled", "never"];
      await s.acceptEvents({ now: T0, events: [], runs: ids.slice(0, 4).map((id) => ({ run: run(id) })) });
      for (const id of ids.slice(0, 4)) await s.claimRun(id, "w1", T0, 1000);
      await s.renewLeases("w1", ["expired"], T0 + 100, T0);
      await s.renewLeases("w1", ["taken"], T0 + 100, T0);
      await s.claimRun("taken", "w2", T0 + 200, 1000);
      await s.cancelRun("cancelled", "stop", T0 + 200);
      const lost = await s.renewLeases("w1", ids, T0 + 5000, T0 + 300);
      expect(lost.sort()).toEqual(["cancelled", "expired", "never", "taken"]);
      expect(await s.getRun("held")).toMatchObject({ leaseOwner: "w1", leaseExpiresAt: T0 + 5000 });
      expect(await s.getRun("taken")).toMatchObject({ leaseOwner: "w2", leaseExpiresAt: T0 + 1200 });
      expect((await s.getRun("expired"))?.leaseExpiresAt).toBe(T0 + 100);
    });

    it("saveStep, registerWait and an owner's resolveStep write nothing without the live lease", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [event("g1", "go")], runs: [{ run: run("r1") }] });
      const waiting = step("r1", "w", { op: "waitForEvent", status: "waiting", wakeAt: T0 + 500 });
      const register = (lease: { owner: string; now: number }, stepId = "w") =>
        s.registerWait({
          lease,
          wait: wait("r1", stepId),
          pending: { ...waiting, id: stepId },
          matches: () => false,
          completed: (e) => step("r1", stepId, { op: "waitForEvent", eventId: e.id }),
        });
      // Not claimed yet: nobody holds it.
      expect(await s.saveStep(step("r1", "a"), W1)).toBe(false);
      expect(await register(W1)).toEqual({ held: false });
      await s.claimRun("r1", "w1", T0, 1000);
      expect(await s.saveStep(step("r1", "a"), { owner: "w2", now: T0 })).toBe(false);
      expect(await register({ owner: "w2", now: T0 })).toEqual({ held: false });
      expect(await s.getSteps("r1")).toEqual([]);
      expect(await s.saveStep(step("r1", "a"), W1)).toBe(true);
      expect(await register(W1)).toEqual({ held: true });
      const timeout = { runId: "r1", stepId: "w", status: "completed" as const, outputText: "null" };
      expect(await s.resolveStep({ ...timeout, now: T0 + 1, owner: "w2" })).toBe(false);
      // The lease expires at T0 + 1000; another owner takes the run: w1's writes are refused.
      await s.claimRun("r1", "w2", T0 + 1000, 1000);
      const late = { owner: "w1", now: T0 + 1001 };
      expect(await s.saveStep(step("r1", "a", { outputText: '"stale"' }), late)).toBe(false);
      expect(await register(late, "w2")).toEqual({ held: false });
      expect(await s.resolveStep({ ...timeout, now: T0 + 1001, owner: "w1" })).toBe(false);
      expect((await s.getSteps("r1")).map((row) => [row.id, row.status, row.outputText])).toEqual([
        ["a", "completed", undefined],
        ["w", "waiting", undefined],
      ]);
      expect(await s.resolveStep({ ...timeout, now: T0 + 1002, owner: "w2" })).toBe(true);
    });

    it("saveStep upserts and getSteps returns steps in call order", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
      await s.claimRun("r1", "w1", T0, 1000);
      await s.saveStep(step("r1", "b", { position: 1 }), W1);
      await s.saveStep(step("r1", "a", { position: 0, status: "retrying", attempts: 1, wakeAt: T0 + 5 }), W1);
      await s.saveStep(
        step("r1", "a", { position: 0, outputText: '["x"]', attempts: 2, endedAt: T0 + 9 }),
        W1,
      );
      const steps = await s.getSteps("r1");
      expect(steps.map((row) => [row.id, row.status, row.attempts])).toEqual([
        ["a", "completed", 2],
        ["b", "completed", 1],
      ]);
      expect(steps[0]).toEqual(
        step("r1", "a", { position: 0, outputText: '["x"]', attempts: 2, endedAt: T0 + 9 }),
      );
    });

    it("saveStep keeps a step's settle sequence number", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
      await s.claimRun("r1", "w1", T0, 1000);
      expect(await s.saveStep(step("r1", "a", { position: 0, settledSeq: 3 }), W1)).toBe(true);
      await s.saveStep(step("r1", "b", { position: 1 }), W1);
      const [a, b] = await s.getSteps("r1");
      expect(a?.settledSeq).toBe(3);
      expect(b).not.toHaveProperty("settledSeq");
    });

    it("suspendRun needs the live lease, writes steps, children and readyAt", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
      await s.claimRun("r1", "w1", T0, 1000);
      const suspend = {
        runId: "r1",
        status: "sleeping" as const,
        readyAt: T0 + 500,
        attempt: 0,
        steps: [step("r1", "nap", { op: "sleep", status: "sleeping", wakeAt: T0 + 500 })],
        waits: [],
        children: {
          now: T0,
          events: [event("ce")],
          runs: [{ run: run("child", { parent: { runId: "r1", stepId: "nap" } }), eventIndex: 0 }],
        },
        awaiting: [],
        now: T0 + 1,
      };
      expect(await s.suspendRun({ ...suspend, owner: "w2" })).toBeUndefined();
      expect(await s.suspendRun({ ...suspend, owner: "w1" })).toMatchObject({
        readyAt: T0 + 500,
        children: [{ id: "child", eventSeq: 1 }],
      });
      expect(await s.getRun("r1")).toMatchObject({ status: "sleeping", readyAt: T0 + 500 });
      expect((await s.getRun("r1"))?.leaseOwner).toBeUndefined();
      expect((await s.getSteps("r1"))[0]?.status).toBe("sleeping");
      expect(await s.getRun("child")).toMatchObject({ parent: { runId: "r1", stepId: "nap" }, eventSeq: 1 });
    });

    it("suspendRun makes the run due now when an awaited step was resolved meanwhile", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
      await s.claimRun("r1", "w1", T0, 1000);
      await s.registerWait({
        lease: W1,
        wait: wait("r1", "w"),
        pending: step("r1", "w", { op: "waitForEvent", status: "waiting", wakeAt: T0 + 1000 }),
        matches: () => true,
        completed: (e) => step("r1", "w", { op: "waitForEvent", eventId: e.id }),
      });
      const stored = await s.acceptEvents({ now: T0 + 1, events: [event("g1", "go")], runs: [] });
      expect(
        await s.resolveStep({
          runId: "r1",
          stepId: "w",
          status: "completed",
          outputText: "[1]",
          eventId: stored.events[0]?.id as string,
          waitId: "r1:w",
          now: T0 + 2,
        }),
      ).toBe(true);
      const result = await s.suspendRun({
        runId: "r1",
        owner: "w1",
        status: "waiting",
        readyAt: T0 + 1000,
        attempt: 0,
        steps: [],
        waits: [],
        children: noChildren,
        awaiting: ["w"],
        now: T0 + 3,
      });
      expect(result).toEqual({ readyAt: T0 + 3, children: [] });
      expect(await s.listWaits("go")).toEqual([]);
    });

    it("resolveStep resolves a waiting step once and never consumes one event twice in a run", async () => {
      const s = await open();
      await s.acceptEvents({
        now: T0,
        events: [],
        runs: [{ run: run("r1", { readyAt: T0 + 1000, status: "waiting" }) }],
      });
      await s.claimRun("r1", "w1", T0 + 1000, 1000);
      const lease = { owner: "w1", now: T0 + 1000 };
      await s.saveStep(step("r1", "a", { op: "waitForEvent", status: "waiting", wakeAt: T0 + 1000 }), lease);
      await s.saveStep(
        step("r1", "b", { op: "waitForEvent", status: "waiting", wakeAt: T0 + 1000, position: 1 }),
        lease,
      );
      const base = { runId: "r1", status: "completed" as const, outputText: "[1]", now: T0 + 5 };
      expect(await s.resolveStep({ ...base, stepId: "a", eventId: "ev" })).toBe(true);
      expect(await s.resolveStep({ ...base, stepId: "a", eventId: "ev2" })).toBe(false);
      expect(await s.resolveStep({ ...base, stepId: "b", eventId: "ev" })).toBe(false);
      expect(await s.resolveStep({ ...base, stepId: "missing" })).toBe(false);
      expect((await s.getSteps("r1")).map((row) => [row.id, row.status, row.eventId])).toEqual([
        ["a", "completed", "ev"],
        ["b", "waiting", undefined],
      ]);
      expect((await s.getRun("r1"))?.readyAt).toBe(T0 + 5);
    });

    it("registerWait matches the oldest unconsumed event after afterSeq, else registers the wait", async () => {
      const s = await open();
      await s.acceptEvents({
        now: T0,
        events: [event("old", "go"), event("skip", "go"), event("x", "other"), event("hit", "go")],
        runs: [{ run: run("r1") }],
      });
      await s.claimRun("r1", "w1", T0, 1000);
      const pending = step("r1", "w", { op: "waitForEvent", status: "waiting" });
      const completed = (e: StoredEvent) => step("r1", "w", { op: "waitForEvent", eventId: e.id });
      const matched = await s.registerWait({
        lease: W1,
        wait: wait("r1", "w", { afterSeq: 1 }),
        pending,
        matches: (e) => e.id !== "skip",
        completed,
      });
      expect(matched.held && matched.event?.id).toBe("hit");
      const again = await s.registerWait({
        lease: W1,
        wait: wait("r1", "w2", { afterSeq: 1 }),
        pending: { ...pending, id: "w2" },
        matches: (e) => e.id !== "skip",
        completed: (e) => ({ ...completed(e), id: "w2" }),
      });
      expect(again).toEqual({ held: true });
      expect((await s.listWaits("go")).map((row) => row.id)).toEqual(["r1:w2"]);
      expect(await s.listWaits("other")).toEqual([]);
    });

    it("listWaits with a candidate leaves out only waits whose match key differs from the candidate's", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
      await s.claimRun("r1", "w1", T0, 1000);
      const register = (stepId: string, fields: Partial<WaitRow>) =>
        s.registerWait({
          lease: W1,
          wait: wait("r1", stepId, fields),
          pending: step("r1", stepId, { op: "waitForEvent", status: "waiting" }),
          matches: () => false,
          completed: (e) => step("r1", stepId, { op: "waitForEvent", eventId: e.id }),
        });
      await register("a", { match: { field: "data.id", value: '"a"' } });
      await register("b", { match: { field: "data.id", value: '"b"' } });
      await register("n", { match: { field: "data.n", value: "1" } });
      await register("any", { expression: "async.data.x == 1" });
      const ids = async (candidate?: unknown) => (await s.listWaits("go", candidate)).map((w) => w.id).sort();
      expect(await ids()).toEqual(["r1:a", "r1:any", "r1:b", "r1:n"]);
      expect(await ids({ name: "go", data: { id: "a" } })).toEqual(["r1:a", "r1:any"]);
      expect(await ids({ name: "go", data: { id: "b", n: 1 } })).toEqual(["r1:any", "r1:b", "r1:n"]);
      expect(await ids({ name: "go", data: { id: { nested: "a" } } })).toEqual(["r1:any"]);
      expect(await ids({ name: "go" })).toEqual(["r1:any"]);
      expect((await s.listWaits("go", { data: { id: "a" } })).find((w) => w.id === "r1:a")?.match).toEqual({
        field: "data.id",
        value: '"a"',
      });
    });

    it("acceptEvents with an offer resolves the waits its events match in its transaction, each once", async () => {
      const s = await open();
      await s.acceptEvents({
        now: T0,
        events: [],
        runs: [{ run: run("r1") }, { run: run("r2") }, { run: run("r3") }],
      });
      await registerPending(s, "r1", "a");
      await registerPending(s, "r1", "b");
      await registerPending(s, "r2", "c", { match: { field: "data.id", value: '"k2"' } });
      await registerPending(s, "r3", "d");
      for (const runId of ["r1", "r2", "r3"]) {
        const suspend = { runId, owner: "w1", status: "waiting" as const, readyAt: T0 + 1000, attempt: 0 };
        await s.suspendRun({ ...suspend, steps: [], waits: [], children: noChildren, awaiting: [], now: T0 });
      }
      // r3's wait timed out first (its step is no longer waiting): no event may win it now.
      expect(await s.resolveStep({ runId: "r3", stepId: "d", status: "completed", now: T0 + 1 })).toBe(true);
      const offered: Array<[string, string, number]> = [];
      const offer = {
        candidate: (e: StoredEvent) => e,
        resolves: (w: WaitRow, e: StoredEvent) => {
          offered.push([w.id, e.id, e.seq]);
          return e.data.skip ? undefined : JSON.stringify([e.id]);
        },
      };
      const accept = (now: number, events: Array<Omit<StoredEvent, "seq">>) =>
        s.acceptEvents({ now, events, runs: [], offer });
      const stepsOf = async (runId: string) =>
        (await s.getSteps(runId)).map((row) => [row.id, row.status, row.eventId, row.outputText]);

      // One event, two waits of r1 for it: one takes it (an event is consumed once per run); c's key differs.
      const first = await accept(T0 + 5, [{ ...event("ev1", "go"), data: { id: "k1" } }]);
      expect(first.woken).toEqual(["r1"]);
      expect(offered.map(([waitId, eventId]) => [waitId, eventId]).sort()).toEqual([
        ["r1:a", "ev1"],
        ["r1:b", "ev1"],
        ["r3:d", "ev1"],
      ]);
      expect(offered.every(([, , seq]) => seq === first.events[0]?.seq && seq > 0)).toBe(true);
      const r1 = await stepsOf("r1");
      expect(r1.filter(([, status]) => status === "completed")).toHaveLength(1);
      expect(r1.find(([, status]) => status === "completed")?.slice(2)).toEqual(["ev1", '["ev1"]']);
      expect((await s.getRun("r1"))?.readyAt).toBe(T0 + 5);
      expect((await s.getRun("r2"))?.readyAt).toBe(T0 + 1000);

      // The offer may refuse an event (its CEL `if`); a later event of the same send then resolves the wait.
      const second = await accept(T0 + 6, [
        { ...event("ev2", "go"), data: { id: "k2", skip: true } },
        { ...event("ev3", "go"), data: { id: "k2" } },
      ]);
      expect([...(second.woken ?? [])].sort()).toEqual(["r1", "r2"]);
      expect((await stepsOf("r1")).map(([, status, eventId]) => [status, eventId]).sort()).toEqual([
        ["completed", "ev1"],
        ["completed", "ev3"],
      ]);
      expect(await stepsOf("r2")).toEqual([["c", "completed", "ev3", '["ev3"]']]);
      expect((await stepsOf("r3"))[0]?.slice(1, 3)).toEqual(["completed", undefined]);
      // The timeout of a wait an event resolved finds nothing to resolve.
      expect(await s.resolveStep({ runId: "r2", stepId: "c", status: "completed", now: T0 + 7 })).toBe(false);
      expect((await s.listWaits("go")).map((w) => w.id)).toEqual(["r3:d"]);
      expect((await accept(T0 + 8, [event("ev4", "go")])).woken).toEqual([]);
      expect(
        await s.acceptEvents({ now: T0 + 9, events: [event("ev5", "go")], runs: [] }),
      ).not.toHaveProperty("woken");
    });

    it("a big acceptEvents with an offer resolves a wait matched by its last events", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
      await registerPending(s, "r1", "w");
      const ids = Array.from({ length: 600 }, (_, n) => `e${String(n).padStart(3, "0")}`);
      const result = await s.acceptEvents({
        now: T0 + 1,
        events: ids.map((id) => event(id, "go")),
        runs: ids.map((id, index) => ({ run: run(`r-${id}`), eventIndex: index })),
        offer: { candidate: (e) => e, resolves: (_, e) => (e.id >= "e598" ? `"${e.id}"` : undefined) },
      });
      expect(result.woken).toEqual(["r1"]);
      expect(result.runs).toHaveLength(600);
      expect((await s.getSteps("r1"))[0]).toMatchObject({ status: "completed", eventId: "e598" });
    });

    it("finishRun and cancelRun end a run once, drop its waits, and respect the lease owner", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }, { run: run("r2") }] });
      await s.claimRun("r1", "w1", T0, 1000);
      await s.registerWait({
        lease: W1,
        wait: wait("r1", "w"),
        pending: step("r1", "w", { status: "waiting" }),
        matches: () => false,
        completed: (e) => step("r1", "w", { eventId: e.id }),
      });
      expect(
        await s.finishRun({
          runId: "r1",
          owner: "w2",
          status: "completed",
          outputText: "[1]",
          endedAt: T0 + 1,
        }),
      ).toBeUndefined();
      const done = await s.finishRun({
        runId: "r1",
        owner: "w1",
        status: "completed",
        outputText: "[1]",
        endedAt: T0 + 1,
      });
      expect(done).toMatchObject({ status: "completed", outputText: "[1]", endedAt: T0 + 1 });
      expect(done?.readyAt).toBeUndefined();
      expect(await s.listWaits("go")).toEqual([]);
      expect(await s.finishRun({ runId: "r1", status: "failed", endedAt: T0 + 2 })).toBeUndefined();
      expect(await s.cancelRun("r1", "late", T0 + 3)).toBeUndefined();
      expect(await s.cancelRun("r2", "why", T0 + 3)).toMatchObject({
        status: "cancelled",
        cancelReason: "why",
        endedAt: T0 + 3,
      });
      expect(await s.claimRun("r2", "w1", T0 + 4, 1000)).toBeUndefined();
      const failed = await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r3") }] });
      expect(failed.runs).toHaveLength(1);
      const error = { name: "Error", message: "boom", code: "x" };
      expect(await s.finishRun({ runId: "r3", status: "failed", error, endedAt: T0 + 5 })).toMatchObject({
        error,
      });
    });

    it("finishRun stores `send` (events and the runs they start) with the end, only if it ends the run", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [event("e1")], runs: [{ run: run("r1"), eventIndex: 0 }] });
      await s.claimRun("r1", "w1", T0, 1000);
      const error = { name: "Error", message: "boom" };
      const send = {
        now: T0 + 1,
        events: [event("failed", "fairway/function.failed")],
        runs: [{ run: run("on-failure", { functionId: "fn-failure", createdAt: T0 + 1 }), eventIndex: 0 }],
      };
      const base = { runId: "r1", status: "failed" as const, error, endedAt: T0 + 1, send };
      expect(await s.finishRun({ ...base, owner: "w2" })).toBeUndefined();
      expect(await s.getEvent("failed")).toBeUndefined();
      expect(await s.getRun("on-failure")).toBeUndefined();
      const ended = await s.finishRun({ ...base, owner: "w1" });
      expect(ended).toMatchObject({ id: "r1", status: "failed", error });
      expect(ended?.sent?.events).toEqual([{ ...event("failed", "fairway/function.failed"), seq: 2 }]);
      expect(ended?.sent?.runs).toEqual([{ ...send.runs[0]?.run, eventSeq: 2 }]);
      // Durable as soon as finishRun returns: a restarted engine finds the run to start from the store.
      expect(await s.getRun("on-failure")).toMatchObject({ status: "queued", readyAt: T0, eventSeq: 2 });
      expect((await s.listBacklogRuns("fn\u0000", 9)).map((r) => r.id)).toEqual(["on-failure"]);
      expect(await s.getEvent("failed")).toMatchObject({ seq: 2 });
      // Ending it again is refused, and stores nothing twice.
      const again = { ...send, events: [event("failed-2")], runs: [{ run: run("twice"), eventIndex: 0 }] };
      expect(await s.finishRun({ ...base, send: again })).toBeUndefined();
      expect(await s.getEvent("failed-2")).toBeUndefined();
      expect(await s.getRun("twice")).toBeUndefined();
      const plain = await s.finishRun({ runId: "on-failure", status: "completed", endedAt: T0 + 2 });
      expect(plain && "sent" in plain).toBe(false);
    });

    it("keeps a run's flow keys as admitted: concurrency keys and the other keys with the priority", async () => {
      const s = await open();
      const flowKeys = {
        throttle: "org\u00001",
        rateLimit: "",
        idempotency: "x",
        singleton: "u1",
        priority: -2.5,
      };
      const keyed = run("keyed", { concurrencyKeys: ["", "u1"], flowKeys });
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: keyed }, { run: run("plain") }] });
      expect(await s.getRun("keyed")).toMatchObject({ concurrencyKeys: ["", "u1"], flowKeys });
      const plain = await s.getRun("plain");
      expect(plain && "flowKeys" in plain).toBe(false);
      expect((await s.listBacklogRuns(keyed.backlogKey, 9)).find((r) => r.id === "keyed")?.flowKeys).toEqual(
        flowKeys,
      );
    });

    it("listRuns filters by function, status, key and time, newest first, with cursors", async () => {
      const s = await open();
      const runs = [
        run("a1", { createdAt: T0 + 1, functionId: "a", concurrencyKeys: ["u1"] }),
        run("a2", { createdAt: T0 + 2, functionId: "a", concurrencyKeys: ["u2"] }),
        run("b1", { createdAt: T0 + 2, functionId: "b" }),
        run("a3", { createdAt: T0 + 3, functionId: "a", status: "completed" }),
      ];
      await s.acceptEvents({ now: T0, events: [], runs: runs.map((r) => ({ run: r })) });
      const ids = async (filter: Parameters<Store["listRuns"]>[0]) =>
        (await s.listRuns(filter)).runs.map((r) => r.id);
      expect(await ids({})).toEqual(["a3", "b1", "a2", "a1"]);
      expect(await ids({ functionId: "a" })).toEqual(["a3", "a2", "a1"]);
      expect(await ids({ status: "completed" })).toEqual(["a3"]);
      expect(await ids({ concurrencyKey: "u2" })).toEqual(["a2"]);
      expect(await ids({ since: T0 + 2, until: T0 + 3 })).toEqual(["b1", "a2"]);
      const page = await s.listRuns({ limit: 2 });
      expect(page.runs.map((r) => r.id)).toEqual(["a3", "b1"]);
      expect(await ids({ limit: 2, cursor: page.nextCursor as string })).toEqual(["a2", "a1"]);
      expect((await s.listRuns({ limit: 4 })).nextCursor).toBeUndefined();
    });

    it("listBacklogs and listBacklogRuns read backlogged runs by backlog in serving order; listDueRuns the rest", async () => {
      const s = await open();
      await s.acceptEvents({
        now: T0,
        events: [],
        runs: [
          run("b1", { backlogKey: "fn\u0000a" }),
          run("b2", { backlogKey: "fn\u0000a", queueScore: T0 - 5000 }),
          run("b3", { backlogKey: "fn\u0000a" }),
          run("c1", { backlogKey: "fn\u0000b" }),
          run("delayed", { backlogKey: "fn\u0000a", readyAt: T0 + 9 }),
          run("started", { backlogKey: "fn\u0000a" }),
          run("done", { backlogKey: "fn\u0000a" }),
        ].map((entry) => ({ run: entry })),
      });
      await s.finishRun({ runId: "done", status: "completed", endedAt: T0 });
      await s.claimRun("started", "w1", T0, 5);
      const backlogs = (await s.listBacklogs()).sort((x, y) => (x.backlogKey < y.backlogKey ? -1 : 1));
      expect(backlogs).toEqual([
        { backlogKey: "fn\u0000a", runs: 3 },
        { backlogKey: "fn\u0000b", runs: 1 },
      ]);
      const ids = (page: RunRecord[]) => page.map((entry) => entry.id);
      expect(ids(await s.listBacklogRuns("fn\u0000a", 2))).toEqual(["b2", "b1"]);
      expect(ids(await s.listBacklogRuns("fn\u0000a", 9, { score: T0, id: "b1" }))).toEqual(["b3"]);
      expect(ids(await s.listBacklogRuns("fn\u0000b", 9))).toEqual(["c1"]);
      expect((await s.getRun("b2"))?.queueScore).toBe(T0 - 5000);
      expect((await s.getRun("b1"))?.queueScore).toBeUndefined();
      // Wake-ups: the delayed start, and the started run once its lease expired; never a backlogged run.
      expect(ids(await s.listDueRuns(T0 + 10, 9))).toEqual(["started", "delayed"]);
    });

    it("listStartedRuns pages a function's runs started since a time by (startedAt, id)", async () => {
      const s = await open();
      const runs = ["c", "a", "b", "late", "never"].map((id) => run(id));
      runs.push(run("other", { functionId: "other" }));
      await s.acceptEvents({ now: T0, events: [], runs: runs.map((entry) => ({ run: entry })) });
      await s.claimRun("c", "w", T0 + 1, 10);
      await s.claimRun("a", "w", T0 + 2, 10);
      await s.claimRun("b", "w", T0 + 2, 10);
      await s.claimRun("late", "w", T0 + 5, 10);
      await s.claimRun("other", "w", T0 + 2, 10);
      const ids = (page: RunRecord[]) => page.map((entry) => entry.id);
      expect(ids(await s.listStartedRuns({ functionId: "fn", since: T0 + 2, limit: 9 }))).toEqual([
        "a",
        "b",
        "late",
      ]);
      expect(ids(await s.listStartedRuns({ functionId: "fn", since: T0, limit: 2 }))).toEqual(["c", "a"]);
      expect(
        ids(
          await s.listStartedRuns({
            functionId: "fn",
            since: T0,
            limit: 9,
            after: { startedAt: T0 + 2, id: "a" },
          }),
        ),
      ).toEqual(["b", "late"]);
    });

    it("listDueRuns pages wake-ups by (readyAt, id) after a cursor", async () => {
      const s = await open();
      const wakeUp = (id: string, readyAt: number) => run(id, { createdAt: T0 - 1, readyAt });
      const runs = [
        wakeUp("b", T0),
        wakeUp("a", T0),
        wakeUp("c", T0 + 5),
        wakeUp("later", T0 + 100),
        wakeUp("leased", T0 + 1),
      ];
      await s.acceptEvents({ now: T0, events: [], runs: runs.map((entry) => ({ run: entry })) });
      await s.claimRun("leased", "w1", T0 + 1, 1000);
      const ids = (page: RunRecord[]) => page.map((entry) => entry.id);
      // Claimable at T0 + 10: due and not under a live lease.
      expect(ids(await s.listDueRuns(T0 + 10, 9))).toEqual(["a", "b", "c"]);
      expect(ids(await s.listDueRuns(T0 + 10, 1, { readyAt: T0, id: "a" }))).toEqual(["b"]);
      expect(ids(await s.listDueRuns(T0 + 1001, 9))).toEqual(["a", "b", "leased", "c", "later"]);
    });

    it("listDueFlowPending pages the debounces and batches due by a time by (dueAt, function, kind, key)", async () => {
      const s = await open();
      const entry = (functionId: string, kind: FlowPendingKind, key: string, dueAt: number) => ({
        functionId,
        kind,
        key,
        apply: () => ({ eventIds: [], lastTs: T0, firstAt: T0, dueAt }),
        buildRun: () => undefined,
      });
      const flow = [
        entry("g", "batch", "x", T0 + 5),
        entry("f", "debounce", "y", T0 + 5),
        entry("f", "batch", "z", T0 + 5),
        entry("f", "batch", "y", T0 + 5),
        entry("f", "batch", "early", T0),
        entry("f", "debounce", "later", T0 + 100),
      ];
      await s.acceptEvents({ now: T0, events: [], runs: [], flow });
      const names = (page: FlowPending[]) =>
        page.map((e) => `${e.functionId}/${e.kind}/${e.key}@${e.dueAt - T0}`);
      expect(names(await s.listDueFlowPending(T0 + 10, 9))).toEqual([
        "f/batch/early@0",
        "f/batch/y@5",
        "f/batch/z@5",
        "f/debounce/y@5",
        "g/batch/x@5",
      ]);
      const after = { dueAt: T0 + 5, functionId: "f", kind: "batch" as const, key: "z" };
      expect(names(await s.listDueFlowPending(T0 + 10, 2, after))).toEqual(["f/debounce/y@5", "g/batch/x@5"]);
      expect(names(await s.listDueFlowPending(T0 - 1, 9))).toEqual([]);
      expect(names(await s.listDueFlowPending(T0 + 100, 9)).at(-1)).toBe("f/debounce/later@100");
      // A fire releases the entry (deleted with its run's creation): it is no longer listed.
      const release = { ...entry("f", "batch", "early", T0), apply: () => ({ release: [] }) };
      await s.acceptEvents({ now: T0, events: [], runs: [], flow: [release] });
      expect(names(await s.listDueFlowPending(T0, 9))).toEqual([]);
    });

    it("returns copies: mutating a returned record changes nothing stored", async () => {
      const s = await open();
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
      const got = (await s.getRun("r1")) as RunRecord;
      got.status = "failed";
      (got.events[0] as { data: Record<string, unknown> }).data.x = 1;
      expect(await s.getRun("r1")).toMatchObject({ status: "queued", events: [{ data: {} }] });
    });

    it("limit overrides: put replaces, get, list (by function, ordered), delete", async () => {
      const s = await open();
      await s.putLimitOverride({ functionId: "fn", key: "u2", concurrency: { limit: 3 }, updatedAt: T0 });
      await s.putLimitOverride({
        functionId: "fn",
        key: "u1",
        concurrency: { limit: 2, key: "event.data.user" },
        throttle: { limit: 5, periodMs: 60_000, burst: 1 },
        updatedAt: T0,
      });
      await s.putLimitOverride({
        functionId: "other",
        key: "u1",
        rateLimit: { limit: 9, periodMs: 1000 },
        updatedAt: T0,
      });
      await s.putLimitOverride({ functionId: "fn", key: "u2", concurrency: { limit: 4 }, updatedAt: T0 + 1 });
      expect(await s.getLimitOverride("fn", "u2")).toEqual({
        functionId: "fn",
        key: "u2",
        concurrency: { limit: 4 },
        updatedAt: T0 + 1,
      });
      expect(await s.getLimitOverride("fn", "nobody")).toBeUndefined();
      expect((await s.listLimitOverrides()).map((o) => `${o.functionId}/${o.key}`)).toEqual([
        "fn/u1",
        "fn/u2",
        "other/u1",
      ]);
      expect(await s.listLimitOverrides("fn")).toEqual([
        {
          functionId: "fn",
          key: "u1",
          concurrency: { limit: 2, key: "event.data.user" },
          throttle: { limit: 5, periodMs: 60_000, burst: 1 },
          updatedAt: T0,
        },
        { functionId: "fn", key: "u2", concurrency: { limit: 4 }, updatedAt: T0 + 1 },
      ]);
      expect(await s.deleteLimitOverride("fn", "u2")).toBe(true);
      expect(await s.deleteLimitOverride("fn", "u2")).toBe(false);
      expect((await s.listLimitOverrides("fn")).map((o) => o.key)).toEqual(["u1"]);
    });

    it("usage: a record written twice counts once; per-run list; totals per tenant × model over a window", async () => {
      const s = await open();
      const base = { functionId: "fn", model: "m1", provider: "openai", inputTokens: 10, outputTokens: 5 };
      await s.recordUsage([
        { ...base, id: "r1:a", runId: "r1", tenantKey: "u1", at: T0, cachedInputTokens: 4 },
        { ...base, id: "r1:b", runId: "r1", tenantKey: "u1", at: T0 + 10, model: "m2" },
        { ...base, id: "r2:a", runId: "r2", tenantKey: "u2", at: T0 + 20 },
      ]);
      await s.recordUsage([
        { ...base, id: "r1:a", runId: "r1", tenantKey: "u1", at: T0, cachedInputTokens: 4 },
      ]);
      await s.recordUsage([]);
      expect((await s.listUsage("r1")).map((r) => r.id)).toEqual(["r1:a", "r1:b"]);
      expect((await s.listUsage("r1"))[0]).toEqual({
        ...base,
        id: "r1:a",
        runId: "r1",
        tenantKey: "u1",
        at: T0,
        cachedInputTokens: 4,
      });
      expect(await s.usageTotals({})).toEqual([
        { tenantKey: "u1", model: "m1", calls: 1, inputTokens: 10, outputTokens: 5, cachedInputTokens: 4 },
        { tenantKey: "u1", model: "m2", calls: 1, inputTokens: 10, outputTokens: 5, cachedInputTokens: 0 },
        { tenantKey: "u2", model: "m1", calls: 1, inputTokens: 10, outputTokens: 5, cachedInputTokens: 0 },
      ]);
      expect((await s.usageTotals({ since: T0 + 10, until: T0 + 20 })).map((t) => t.model)).toEqual(["m2"]);
      expect((await s.usageTotals({ tenantKey: "u2" })).map((t) => t.tenantKey)).toEqual(["u2"]);
      expect((await s.usageTotals({ runId: "r1", functionId: "fn" })).length).toBe(2);
      expect(await s.usageTotals({ functionId: "none" })).toEqual([]);
    });
  });
}

/**
 * For the transactional stores (SQLite, PostgreSQL; the memory store has no transaction to roll back): an
 * accepted event and the waits it resolves are one transaction, so a failure between the event's insert and
 * the wait's resolution writes neither, and the same send again resolves the wait.
 */
export function offerAtomicity(name: string, make: () => Promise<Store>): void {
  describe(`Store: ${name}: acceptEvents and the waits it resolves are one transaction`, () => {
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
    });

    it("a failure while offering stores neither the event nor the resolution; the send again does both", async () => {
      const s = await make();
      store = s;
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
      await registerPending(s, "r1", "w");
      const send = (resolves: (w: WaitRow, e: StoredEvent) => string | undefined) =>
        s.acceptEvents({
          now: T0 + 1,
          events: [event("ev", "go")],
          runs: [{ run: run("started"), eventIndex: 0 }],
          offer: { candidate: (e) => e, resolves },
        });
      await expect(
        send(() => {
          throw new Error("the store failed half-way");
        }),
      ).rejects.toThrow();
      expect(await s.getEvent("ev")).toBeUndefined();
      expect(await s.getRun("started")).toBeUndefined();
      expect((await s.getSteps("r1"))[0]?.status).toBe("waiting");
      expect((await s.listWaits("go")).map((w) => w.id)).toEqual(["r1:w"]);

      expect((await send(() => '"ev"')).woken).toEqual(["r1"]);
      expect(await s.getEvent("ev")).toMatchObject({ id: "ev" });
      expect((await s.getSteps("r1"))[0]).toMatchObject({ status: "completed", eventId: "ev" });
      expect(await s.listWaits("go")).toEqual([]);
    });
  });
}
