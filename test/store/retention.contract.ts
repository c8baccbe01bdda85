/**
 * The retention part of the Store contract (`Store.sweepRetention`, rules in `src/store/retention.ts`): what
 * every store deletes (old events nothing reads, expired dedup keys, admissions older than every window,
 * ended runs with their steps, old usage records) and what it must keep, and that the
 * decisions after a sweep are those without it. Call `retentionContract(name, make)` from a store's test file.
 */
import { describe, expect, it } from "vitest";
import { MAX_ADMISSION_WINDOW_MS } from "../../src/flow/store-admission.js";
import type {
  FlowPendingUpdate,
  RetentionInput,
  StepRow,
  Store,
  StoredEvent,
  UsageRecord,
} from "../../src/store/store.js";
import { run, storePerTest, T0 } from "./store.contract.js";

/** An event received at `receivedAt` (default T0). */
function event(id: string, name = "e", receivedAt = T0): Omit<StoredEvent, "seq"> {
  return { id, name, data: { id }, ts: receivedAt, receivedAt };
}

/** A pass that deletes events received before `eventsBefore` and rows expired by `expiredBefore`. */
function sweep(eventsBefore: number, expiredBefore = T0, batchSize = 100): RetentionInput {
  return { eventsBefore, expiredBefore, batchSize };
}

/** A debounce entry of `fn` × `key` holding `eventIds` (written, not released). */
function pending(key: string, eventIds: string[]): FlowPendingUpdate {
  return {
    functionId: "fn",
    kind: "debounce",
    key,
    apply: () => ({ eventIds, lastTs: T0, firstAt: T0, dueAt: T0 + 1000 }),
    buildRun: () => undefined,
  };
}

/** A pass that deletes runs ended before `runsBefore` (no event, no dedup key). */
function runsSweep(runsBefore: number, batchSize = 100): RetentionInput {
  return { eventsBefore: 0, expiredBefore: 0, runsBefore, batchSize };
}

/** Claims `runId`, saves `steps` completed step rows and ends it at `endedAt`. */
async function endWithSteps(s: Store, runId: string, steps: number, endedAt: number): Promise<void> {
  await s.claimRun(runId, "w", T0, 60_000);
  for (let n = 0; n < steps; n += 1) {
    const row: StepRow = {
      runId,
      id: `s${n}`,
      name: `s${n}`,
      op: "run",
      status: "completed",
      position: n,
      attempts: 1,
      startedAt: T0,
      endedAt: T0,
    };
    await s.saveStep(row, { owner: "w", now: T0 });
  }
  await s.finishRun({ runId, owner: "w", status: "completed", endedAt });
}

/** The ids among `ids` of runs the store still has. */
async function runsLeft(s: Store, ids: string[]): Promise<string[]> {
  const found = await Promise.all(ids.map(async (id) => ((await s.getRun(id)) ? id : undefined)));
  return found.filter((id): id is string => id !== undefined);
}

export function retentionContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}: retention`, () => {
    const open = storePerTest(make);
    const present = async (s: Store, ids: string[]) =>
      (await Promise.all(ids.map(async (id) => ((await s.getEvent(id)) ? id : undefined)))).filter(Boolean);

    it("deletes old events no live run can read; keeps a live run's trigger and every event after it", async () => {
      const s = await open();
      await s.acceptEvents({
        now: T0,
        events: ["e1", "e2", "e3", "e4"].map((id) => event(id)),
        runs: [
          { run: run("ended"), eventIndex: 0 },
          { run: run("live"), eventIndex: 1 },
        ],
      });
      await s.acceptEvents({ now: T0 + 50, events: [event("young", "e", T0 + 50)], runs: [] });
      await s.cancelRun("ended", undefined, T0);
      const first = await s.sweepRetention(sweep(T0 + 10));
      expect(first.events).toBe(1);
      expect(await present(s, ["e1", "e2", "e3", "e4", "young"])).toEqual(["e2", "e3", "e4", "young"]);
      // A wait the live run registers after the sweep takes the same event as without it.
      await s.claimRun("live", "w1", T0, 1000);
      const waited = await s.registerWait({
        lease: { owner: "w1", now: T0 },
        wait: {
          id: "live:w",
          runId: "live",
          stepId: "w",
          eventName: "e",
          triggerEvent: { name: "e", data: {}, id: "e2", ts: T0 },
          expiresAt: T0 + 1000,
          afterSeq: 2,
        },
        pending: {
          runId: "live",
          id: "w",
          name: "w",
          op: "waitForEvent",
          status: "waiting",
          position: 0,
          attempts: 0,
          startedAt: T0,
        },
        matches: () => true,
        completed: (e) => ({
          runId: "live",
          id: "w",
          name: "w",
          op: "waitForEvent",
          status: "completed",
          position: 0,
          attempts: 0,
          startedAt: T0,
          eventId: e.id,
        }),
      });
      expect(waited).toMatchObject({ held: true, event: { id: "e3" } });
      // Once the run ends, its events go too; the young one stays (received after eventsBefore).
      await s.finishRun({ runId: "live", owner: "w1", status: "completed", endedAt: T0 + 1 });
      expect((await s.sweepRetention(sweep(T0 + 10))).events).toBe(3);
      expect(await present(s, ["e2", "e3", "e4", "young"])).toEqual(["young"]);
    });

    it("keeps the events a pending debounce or batch holds; its run gets them when released", async () => {
      const s = await open();
      await s.acceptEvents({
        now: T0,
        events: [event("held"), event("loose")],
        runs: [],
        flow: [{ ...pending("k", ["held"]), eventIndex: 0 }],
      });
      expect((await s.sweepRetention(sweep(T0 + 10))).events).toBe(1);
      expect(await present(s, ["held", "loose"])).toEqual(["held"]);
      const release: FlowPendingUpdate = {
        ...pending("k", []),
        apply: (current) => ({ release: current?.eventIds ?? [] }),
        buildRun: (events) => ({ run: run("released", { eventIds: events.map((e) => e.id) }) }),
      };
      const fired = await s.acceptEvents({ now: T0 + 20, events: [], runs: [], flow: [release] });
      expect(fired.runs.map((r) => r.eventIds)).toEqual([["held"]]);
    });

    it("a batch at a time until done; a new event's seq is never one a deleted event had", async () => {
      const s = await open();
      const ids = Array.from({ length: 7 }, (_, n) => `old${n}`);
      await s.acceptEvents({ now: T0, events: ids.map((id) => event(id)), runs: [] });
      expect((await s.sweepRetention(sweep(T0 + 10, T0, 2))).events).toBe(7);
      expect(await present(s, ids)).toEqual([]);
      const next = await s.acceptEvents({ now: T0 + 20, events: [event("new", "e", T0 + 20)], runs: [] });
      expect(next.events[0]?.seq).toBe(8);
      const aborted = new AbortController();
      aborted.abort();
      expect(await s.sweepRetention({ ...sweep(T0 + 30), signal: aborted.signal })).toMatchObject({
        events: 0,
      });
      expect(await present(s, ["new"])).toEqual(["new"]);
    });

    it("deletes expired dedup keys only; a key still live still deduplicates after the sweep", async () => {
      const s = await open();
      const dedup = (key: string, expiresAt: number) => ({ functionId: "fn", key, expiresAt });
      await s.acceptEvents({
        now: T0,
        events: [],
        runs: [
          { run: run("a"), dedup: dedup("expired", T0 + 100) },
          { run: run("b"), dedup: dedup("live", T0 + 10_000) },
        ],
      });
      const swept = await s.sweepRetention(sweep(T0, T0 + 100));
      expect(swept.dedup).toBe(1);
      const again = await s.acceptEvents({
        now: T0 + 200,
        events: [],
        runs: [
          { run: run("a2"), dedup: dedup("expired", T0 + 10_200) },
          { run: run("b2"), dedup: dedup("live", T0 + 10_200) },
        ],
      });
      // As without the sweep: the expired key admits its run again, the live one still deduplicates.
      expect(again.runs.map((r) => r.id)).toEqual(["a2"]);
      expect((await s.sweepRetention(sweep(T0, T0 + 9_999))).dedup).toBe(0);
      expect((await s.sweepRetention(sweep(T0, T0 + 10_200))).dedup).toBe(2);
    });

    it("deletes admissions older than the longest window; younger ones are still listed", async () => {
      const s = await open();
      const admission = {
        windows: [{ scope: "rateLimit:fn\u0000", limit: 5, periodMs: 1000, reason: "full" }],
      };
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("old"), admission }] });
      await s.acceptEvents({ now: T0 + 1, events: [], runs: [{ run: run("young"), admission }] });
      // An admission at T0 counts in no window once `expiredBefore` is T0 + 24 h.
      expect((await s.sweepRetention(sweep(T0, T0 + MAX_ADMISSION_WINDOW_MS - 1))).admissions).toBe(0);
      expect((await s.sweepRetention(sweep(T0, T0 + MAX_ADMISSION_WINDOW_MS))).admissions).toBe(1);
      expect(await s.listAdmissions({ since: 0, limit: 10 })).toEqual([
        { scope: "rateLimit:fn\u0000", at: T0 + 1, runId: "young" },
      ]);
    });

    it("deletes runs ended before runsBefore with their steps; keeps live runs and runs ended at or after it", async () => {
      const s = await open();
      const ids = ["old", "cancelled", "skipped", "recent", "live"];
      await s.acceptEvents({
        now: T0,
        events: [],
        runs: [
          ...["old", "cancelled", "recent", "live"].map((id) => ({ run: run(id) })),
          { run: run("skipped", { status: "skipped", skipReason: "full", endedAt: T0 }) },
        ],
      });
      await endWithSteps(s, "old", 3, T0 + 10);
      await endWithSteps(s, "recent", 2, T0 + 100);
      await s.cancelRun("cancelled", undefined, T0 + 20);
      // No runsBefore: runs are kept whatever their age.
      expect(await s.sweepRetention(sweep(0, 0))).toMatchObject({ runs: 0, steps: 0 });
      expect(await s.sweepRetention(runsSweep(T0 + 100))).toMatchObject({ runs: 3, steps: 3 });
      expect(await runsLeft(s, ids)).toEqual(["recent", "live"]);
      expect(await s.getSteps("old")).toEqual([]);
      expect((await s.getSteps("recent")).map((row) => row.id)).toEqual(["s0", "s1"]);
      expect((await s.listRuns({})).runs.map((r) => r.id).sort()).toEqual(["live", "recent"]);
      // A live run is never deleted, however old; once it has ended, its time counts from its end.
      await s.cancelRun("live", undefined, T0 + 200);
      expect((await s.sweepRetention(runsSweep(T0 + 200))).runs).toBe(1);
      expect(await runsLeft(s, ids)).toEqual(["live"]);
      expect((await s.sweepRetention(runsSweep(T0 + 201))).runs).toBe(1);
      expect(await runsLeft(s, ids)).toEqual([]);
    });

    it("keeps an ended run while a run it invoked, or the run that invoked it, has not ended", async () => {
      const s = await open();
      const child = (id: string, parent: string) => run(id, { parent: { runId: parent, stepId: "invoke" } });
      await s.acceptEvents({
        now: T0,
        events: [],
        runs: [
          { run: run("parent") },
          { run: child("ended-child", "parent") },
          { run: run("ended-parent") },
          { run: child("live-child", "ended-parent") },
        ],
      });
      await s.cancelRun("ended-child", undefined, T0);
      await s.cancelRun("ended-parent", undefined, T0);
      expect((await s.sweepRetention(runsSweep(T0 + 10))).runs).toBe(0);
      // Each link's other end ends: the ended runs go (with it, once its own time is up).
      await s.cancelRun("parent", undefined, T0 + 5);
      await s.cancelRun("live-child", undefined, T0 + 5);
      expect((await s.sweepRetention(runsSweep(T0 + 5))).runs).toBe(2);
      expect(await runsLeft(s, ["parent", "ended-child", "ended-parent", "live-child"])).toEqual([
        "parent",
        "live-child",
      ]);
      expect((await s.sweepRetention(runsSweep(T0 + 10))).runs).toBe(2);
    });

    it("a batch at a time until done; a run with more steps than a batch goes whole", async () => {
      const s = await open();
      const ids = Array.from({ length: 5 }, (_, n) => `r${n}`);
      await s.acceptEvents({ now: T0, events: [], runs: ids.map((id) => ({ run: run(id) })) });
      for (const [n, id] of ids.entries()) await endWithSteps(s, id, n === 0 ? 5 : 2, T0 + n);
      // Batches of 4 rows: r0 alone (6 rows), then one run of 3 rows per batch; the last batch looks at fewer
      // runs than 4 (r2, r3, r4) and deletes one: the next takes the rest.
      expect(await s.sweepRetention(runsSweep(T0 + 10, 4))).toMatchObject({ runs: 5, steps: 13 });
      expect(await runsLeft(s, ids)).toEqual([]);
      for (const id of ids) expect(await s.getSteps(id)).toEqual([]);
      await s.acceptEvents({ now: T0, events: [], runs: [{ run: run("late") }] });
      await endWithSteps(s, "late", 1, T0);
      const aborted = new AbortController();
      aborted.abort();
      expect(await s.sweepRetention({ ...runsSweep(T0 + 10), signal: aborted.signal })).toMatchObject({
        runs: 0,
      });
      expect(await runsLeft(s, ["late"])).toEqual(["late"]);
    });

    it("deletes usage records made before usageBefore; the totals then count the later ones", async () => {
      const s = await open();
      const usage = (id: string, at: number): UsageRecord => ({
        id,
        runId: "gone",
        functionId: "fn",
        tenantKey: "t",
        model: "m",
        at,
        inputTokens: 10,
        outputTokens: 1,
      });
      await s.recordUsage([usage("u1", T0), usage("u2", T0 + 1), usage("u3", T0 + 2)]);
      expect((await s.sweepRetention(sweep(0, 0))).usage).toBe(0);
      expect((await s.sweepRetention({ ...sweep(0, 0, 1), usageBefore: T0 + 2 })).usage).toBe(2);
      expect(await s.usageTotals({})).toEqual([
        { tenantKey: "t", model: "m", calls: 1, inputTokens: 10, outputTokens: 1, cachedInputTokens: 0 },
      ]);
    });
  });
}
