/**
 * The retention part of the Store contract (`Store.sweepRetention`, rules in `src/store/retention.ts`): what
 * every store deletes (old events nothing reads, expired dedup keys, admissions older than every window) and what it must keep, and that the
 * decisions after a sweep are those without it. Call `retentionContract(name, make)` from a store's test file.
 */
import { describe, expect, it } from "vitest";
import { MAX_ADMISSION_WINDOW_MS } from "../../src/flow/store-admission.js";
import type { FlowPendingUpdate, RetentionInput, Store, StoredEvent } from "../../src/store/store.js";
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
  });
}
