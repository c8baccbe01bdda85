import { describe, expect, it } from "vitest";
import { BacklogWindows, FIRST_WINDOW } from "../../src/engine/backlog-windows.js";
import type { BacklogCursor, RunRecord } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { queuedRun } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const KEY = "f\u0000";

/**
 * A backlog of `count` stored runs r000…, a window over it, and a queue that takes what the window delivers.
 * Reads resolve when the test says so, so the interleavings are explicit.
 */
function setup(count: number, bounded = true) {
  const stored = Array.from({ length: count }, (_, i) =>
    queuedRun(`r${String(i).padStart(3, "0")}`, 1000 + i),
  );
  const reads: Array<{ limit: number; after: BacklogCursor; resolve: () => void; answer: Promise<unknown> }> =
    [];
  const queue: string[] = [];
  const windows: BacklogWindows = new BacklogWindows({
    read: (_key, limit, after) => {
      let resolve: () => void = () => {};
      const answer = new Promise<RunRecord[]>((done) => {
        resolve = () =>
          done(
            stored
              .filter(
                (run) => run.createdAt > after.score || (run.createdAt === after.score && run.id > after.id),
              )
              .filter((run) => !queue.includes(run.id))
              .slice(0, limit),
          );
      });
      reads.push({ limit, after, resolve, answer });
      return answer;
    },
    deliver: (runs) => {
      for (const run of runs) {
        queue.push(run.id);
        windows.entered(windowed(run));
      }
    },
    logger: silent,
    clock: new FakeClock(),
    bounded,
  });
  /**
   * Answers every read, including those the answers set off: awaiting an answer resumes after the window
   * handled it (its handler was attached first), so the next read it made is already listed.
   */
  const answerReads = async () => {
    for (let read = reads.shift(); read; read = reads.shift()) {
      read.resolve();
      await read.answer;
    }
  };
  /** Dispatches the first queued run. */
  const take = () => {
    const runId = queue.shift()!;
    const run = stored.find((entry) => entry.id === runId)!;
    stored.splice(stored.indexOf(run), 1);
    windows.left(windowed(run));
    return runId;
  };
  return { windows, stored, queue, reads, answerReads, take };
}

/** Backlogged runs of the test's backlog known to be only in the store, as `flowState` counts them. */
const storedIn = (windows: BacklogWindows) => new Map(windows.storedBacklogs()).get(KEY) ?? 0;

const windowed = (run: RunRecord) => ({ runId: run.id, backlogKey: KEY, score: run.createdAt });

describe("BacklogWindows", () => {
  it("start-up reads a few runs per backlog; dispatching refills in order with growing pages", async () => {
    const { windows, queue, reads, answerReads, take } = setup(100);
    windows.restore([{ backlogKey: KEY, runs: 100 }]);
    expect(reads.map((read) => read.limit)).toEqual([FIRST_WINDOW]);
    await answerReads();
    expect(queue).toEqual(["r000", "r001", "r002", "r003"]);
    expect(storedIn(windows)).toBe(96);
    const served: string[] = [];
    while (served.length < 100) {
      served.push(take());
      await answerReads();
      expect(queue.length).toBeLessThanOrEqual(64);
    }
    expect(served).toEqual(Array.from({ length: 100 }, (_, i) => `r${String(i).padStart(3, "0")}`));
    expect(storedIn(windows)).toBe(0);
  });

  it("new runs join the window until it is full, then stay in the store; a higher priority always joins", () => {
    const { windows } = setup(0);
    for (let i = 0; i < FIRST_WINDOW; i++) {
      const run = windowed(queuedRun(`n${i}`, 2000 + i));
      expect(windows.admit(run)).toBe(true);
      windows.entered(run);
    }
    expect(windows.admit(windowed(queuedRun("late", 3000)))).toBe(false);
    expect(storedIn(windows)).toBe(1);
    expect(windows.admit(windowed(queuedRun("urgent", 1000)))).toBe(true);
  });

  it("a backlog served in bursts keeps the window it grew to after it empties, so a burst no bigger joins at once", async () => {
    const { windows, stored, queue, answerReads, take } = setup(0);
    /** Creates `count` runs at once, as one group commit's accepted events do: which of them joined. */
    const burst = (prefix: string, count: number) => {
      const joined: string[] = [];
      for (let i = 0; i < count; i++) {
        const run = queuedRun(`${prefix}${i}`, 2000 + stored.length);
        stored.push(run);
        if (!windows.admit(windowed(run))) continue;
        joined.push(run.id);
        queue.push(run.id);
        windows.entered(windowed(run));
      }
      return joined;
    };
    const serveAll = async () => {
      while (queue.length > 0) {
        take();
        await answerReads();
      }
    };
    // The first burst of 10: the window holds 4, the rest is read back as it grows.
    expect(burst("a", 10)).toHaveLength(FIRST_WINDOW);
    await serveAll();
    expect(stored).toEqual([]);
    // It emptied (and was dropped); the next burst of 10 joins whole: the window kept its size.
    expect(burst("b", 10)).toHaveLength(10);
    expect(storedIn(windows)).toBe(0);
    await serveAll();
    // One bigger than the window grew to pages again, from the size it had.
    expect(burst("c", 40).length).toBeGreaterThan(FIRST_WINDOW);
    expect(storedIn(windows)).toBeGreaterThan(0);
    await serveAll();
    expect(stored).toEqual([]);
  });

  it("while a refill is in flight new runs join the window, so none is lost between the read and its answer", async () => {
    const { windows, queue, reads, answerReads, take, stored } = setup(10);
    windows.restore([{ backlogKey: KEY, runs: 10 }]);
    await answerReads();
    take();
    take();
    take();
    expect(reads).toHaveLength(1);
    const fresh = queuedRun("z-new", 5000);
    stored.push(fresh);
    expect(windows.admit(windowed(fresh))).toBe(true);
    queue.push(fresh.id);
    windows.entered(windowed(fresh));
    await answerReads();
    expect(queue).toContain("z-new");
    expect(new Set(queue).size).toBe(queue.length);
  });

  it("unbounded (fifo ordering): everything joins and start-up reads the whole backlog", async () => {
    const { windows, queue, reads, answerReads } = setup(50, false);
    windows.restore([{ backlogKey: KEY, runs: 50 }]);
    expect(reads[0]?.limit).toBeGreaterThan(50);
    await answerReads();
    expect(queue).toHaveLength(50);
    expect(windows.admit(windowed(queuedRun("more", 9999)))).toBe(true);
  });

  it("a failed read is retried on the clock; stop cancels the retry and ignores answers still in flight", async () => {
    const clock = new FakeClock();
    const errors: string[] = [];
    let fail = true;
    const delivered: string[] = [];
    const windows = new BacklogWindows({
      read: async () => {
        if (fail) throw new Error("disk I/O error");
        return [queuedRun("r1", 1000)];
      },
      deliver: (runs) => delivered.push(...runs.map((run) => run.id)),
      logger: { ...silent, error: (message: string) => errors.push(message) },
      clock,
    });
    windows.restore([{ backlogKey: KEY, runs: 1 }]);
    await clock.advance(0);
    expect(errors).toHaveLength(1);
    expect(clock.pending()).toBe(1);
    fail = false;
    await clock.advance(1000);
    expect(delivered).toEqual(["r1"]);
    // Stopped: a retry pending is cancelled, nothing more is read or delivered.
    fail = true;
    windows.restore([{ backlogKey: "f\u0000other", runs: 1 }]);
    await clock.advance(0);
    expect(clock.pending()).toBe(1);
    windows.stop();
    expect(clock.pending()).toBe(0);
    windows.restore([{ backlogKey: "f\u0000late", runs: 1 }]);
    await clock.advance(5000);
    expect(delivered).toEqual(["r1"]);
    // Logged once per failing spell: the first, and "other" after r1's read succeeded.
    expect(errors).toHaveLength(2);
  });
});
