/**
 * The paged scheduler end to end: a backlog larger than its window runs in its order (priority included)
 * across refills, and a restarted process reads a few runs per backlog, not the backlog.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIRST_WINDOW } from "../../src/engine/backlog-windows.js";
import { Fairway } from "../../src/index.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import type { BacklogCursor } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { tempDir } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A SQLite store whose backlog reads are recorded. */
function recordingStore(path: string) {
  const store = new SqliteStore({ path });
  const reads: Array<{ backlogKey: string; limit: number }> = [];
  const read = store.listBacklogRuns.bind(store);
  store.listBacklogRuns = (backlogKey: string, limit: number, after?: BacklogCursor) => {
    reads.push({ backlogKey, limit });
    return read(backlogKey, limit, after);
  };
  return { store, reads };
}

describe("paged backlogs", () => {
  it("a backlog beyond its window runs in order across refills, a later higher priority first", async () => {
    const { store, reads } = recordingStore(join(tempDir(), "fairway.db"));
    const clock = new FakeClock();
    const fairway = new Fairway({ id: "app", store, clock, logger: silent });
    const order: number[] = [];
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    fairway.createFunction(
      { id: "work", concurrency: 1, priority: { run: "event.data.p" } },
      { event: "go" },
      async ({ event }) => {
        if (event.data.n === 0) await gate;
        order.push(event.data.n as number);
      },
    );
    await fairway.send(Array.from({ length: 100 }, (_, n) => ({ name: "go", data: { n, p: 0 } })));
    await fairway.send({ name: "go", data: { n: 999, p: 60 } });
    const [state] = fairway.flowState("work");
    expect(state).toMatchObject({ queued: 100, running: 1 });
    open();
    const last = (await fairway.listRuns({ functionId: "work", limit: 1 })).runs[0];
    await fairway.waitForRun(last!.id);
    for (;;) {
      const { runs } = await fairway.listRuns({ functionId: "work", status: "queued", limit: 1 });
      if (runs.length === 0) break;
      await fairway.waitForRun(runs[0]!.id);
    }
    expect(order).toEqual([0, 999, ...Array.from({ length: 99 }, (_, n) => n + 1)]);
    // The window paged through the store instead of holding the backlog.
    expect(reads.length).toBeGreaterThan(1);
    await fairway.close();
  });

  it("a restarted process reads a few runs per backlog and pages the rest as slots free up", async () => {
    const path = join(tempDir(), "fairway.db");
    const clock = new FakeClock();
    const define = (app: Fairway, started: string[]) =>
      app.createFunction(
        {
          id: "work",
          concurrency: [{ limit: 1, key: "event.data.tenant" }],
          throttle: { limit: 1, period: "1h", key: "event.data.tenant" },
        },
        { event: "go" },
        async ({ event }) => {
          started.push(`${event.data.tenant}:${event.data.n}`);
        },
      );
    const first = new Fairway({ id: "app", store: path, clock, logger: silent });
    define(first, []);
    const events = ["a", "b"].flatMap((tenant) =>
      Array.from({ length: 50 }, (_, n) => ({ name: "go", data: { tenant, n } })),
    );
    await first.send(events);
    await clock.advance(1);
    await first.close();

    const { store, reads } = recordingStore(path);
    const started: string[] = [];
    const second = new Fairway({ id: "app", store, clock, logger: silent });
    define(second, started);
    await second.start();
    await clock.advance(0);
    expect(reads.map((read) => read.limit)).toEqual([FIRST_WINDOW, FIRST_WINDOW]);
    expect(
      second
        .flowState("work")
        .map((row) => [row.key, row.queued])
        .sort(),
    ).toEqual([
      ["a", 49],
      ["b", 49],
    ]);
    await clock.advance("1h");
    expect(started.sort()).toEqual(["a:1", "b:1"]);
    await clock.advance("3h");
    expect(started.sort()).toEqual(["a:1", "a:2", "a:3", "a:4", "b:1", "b:2", "b:3", "b:4"]);
    // The windows refilled from the store as they drained.
    expect(reads.length).toBeGreaterThan(2);
    await second.close();
  });
});
