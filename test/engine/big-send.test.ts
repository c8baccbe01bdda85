import { describe, expect, it } from "vitest";
import { SEND_SLICE } from "../../src/engine/scheduler.js";
import { ValidationError } from "../../src/errors/index.js";
import { makeFairway, storeKinds } from "./helpers.js";

/** Event-loop turns (`setImmediate`) that ran while `work` was pending. */
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
