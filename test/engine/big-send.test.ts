import { describe, expect, it } from "vitest";
import { Scheduler, SEND_SLICE } from "../../src/engine/scheduler.js";
import { ValidationError } from "../../src/errors/index.js";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import type { RunRecord } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { makeFairway, storeKinds } from "./helpers.js";

/**
 * Event-loop turns (`setImmediate`) that ran while `work` was pending. Turn-counting on purpose: what is
 * under test is that a big send yields to the event loop, so this counts turns; it waits for nothing.
 */
async function turnsDuring<T>(work: Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let pending = true;
  const tick = () => {
    turns++;
    if (pending) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { result: await work, turns };
  } finally {
    pending = false;
  }
}

describe.each(storeKinds)("a big send on %s", (kind) => {
  const size = SEND_SLICE * 10;

  it("is validated, stored and queued a slice per event-loop turn; every event starts its run", async () => {
    const { fairway } = makeFairway(kind);
    const seen: number[] = [];
    fairway.createFunction({ id: "each" }, { event: "big/go" }, async ({ event }) => {
      seen.push(event.data.n as number);
      return null;
    });
    await fairway.start();
    const events = Array.from({ length: size }, (_, n) => ({ name: "big/go", data: { n } }));
    const { result, turns } = await turnsDuring(fairway.send(events));
    expect(result.ids).toHaveLength(size);
    expect(new Set(result.ids).size).toBe(size);
    // The process kept turning: at least one turn per slice of validation, fan-out and queueing.
    expect(turns).toBeGreaterThanOrEqual(3 * (size / SEND_SLICE) - 3);
    let done = 0;
    for (let page = await fairway.listRuns({ functionId: "each", limit: 1000 }); ; ) {
      for (const run of page.runs) {
        await fairway.waitForRun(run.id);
        done++;
      }
      if (!page.nextCursor) break;
      page = await fairway.listRuns({ functionId: "each", limit: 1000, cursor: page.nextCursor });
    }
    expect(done).toBe(size);
    expect(seen.sort((a, b) => a - b)).toEqual(events.map((_, n) => n));
    await fairway.close();
  });

  it("stays all-or-nothing: one bad event late in the send stores nothing and every issue is listed", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "each" }, { event: "big/go" }, async () => null);
    const events: Array<{ name: string; data?: Record<string, unknown> }> = Array.from(
      { length: size },
      (_, n) => ({ name: "big/go", data: { n } }),
    );
    events[3] = { name: "" };
    events[size - 1] = { name: "big/go", data: { bad: Number.NaN } };
    const error = await fairway.send(events).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
      "[3].name",
      `[${size - 1}].data.bad`,
    ]);
    expect((await fairway.listRuns({ functionId: "each" })).runs).toEqual([]);
    await fairway.close();
  });
});

describe("Scheduler.commit of a big send", () => {
  it("marks the runs of later slices as being committed until their slice is queued (the recovery sweep skips them)", async () => {
    const observed: Array<{ queued: string; laterCommitting: boolean; ownCommitting: boolean }> = [];
    const runs: RunRecord[] = Array.from({ length: SEND_SLICE * 3 }, (_, n) => ({
      id: `r${String(n).padStart(4, "0")}`,
      functionId: "fn",
      status: "queued",
      eventIds: [],
      events: [],
      attempt: 0,
      createdAt: 0,
      readyAt: 0,
      eventSeq: 0,
      backlogKey: "fn\u0000",
    }));
    const last = runs.at(-1) as RunRecord;
    const scheduler: Scheduler = new Scheduler({
      store: new MemoryStore(),
      clock: new FakeClock(),
      newId: () => "id",
      functions: () => [],
      stages: [],
      onRunsCreated: (created) => {
        const first = created[0] as RunRecord;
        observed.push({
          queued: first.id,
          laterCommitting: scheduler.isCommitting(last.id),
          ownCommitting: created.some((run) => scheduler.isCommitting(run.id)),
        });
      },
      onWaitResolved: async () => {},
    });
    await scheduler.commit({ now: 0, events: [], runs: runs.map((run) => ({ run })) }, { events: [], runs });
    expect(observed).toEqual([
      { queued: "r0000", laterCommitting: true, ownCommitting: false },
      { queued: `r${String(SEND_SLICE).padStart(4, "0")}`, laterCommitting: true, ownCommitting: false },
      { queued: `r${String(SEND_SLICE * 2).padStart(4, "0")}`, laterCommitting: false, ownCommitting: false },
    ]);
    expect(runs.some((run) => scheduler.isCommitting(run.id))).toBe(false);
  });
});
