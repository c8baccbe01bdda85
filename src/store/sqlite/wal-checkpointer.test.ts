import { describe, expect, it } from "vitest";
import type { CheckpointResult, CheckpointRunner } from "./checkpoint-worker.js";
import { WalCheckpointer } from "./wal-checkpointer.js";

/** A runner whose checkpoints the test settles itself, in order. */
function manualRunner() {
  const calls: Array<{ resolve: (result: CheckpointResult) => void; reject: (error: unknown) => void }> = [];
  let closed = 0;
  let called: () => void = () => {};
  /** Resolves once the runner was asked for `count` checkpoints in all. */
  const asked = async (count: number) => {
    while (calls.length < count) await new Promise<void>((resolve) => (called = resolve));
  };
  const runner: CheckpointRunner = {
    checkpoint: () =>
      new Promise((resolve, reject) => {
        calls.push({ resolve, reject });
        called();
      }),
    close: async () => {
      closed += 1;
    },
  };
  const done = { busy: false, walPages: 40, checkpointedPages: 40 };
  return { runner, calls, asked, closed: () => closed, done };
}

/** Options with a WAL that never grows: only the COMMIT count starts checkpoints. */
const byCount = (commitsPerCheckpoint: number) => ({
  commitsPerCheckpoint,
  walBytes: () => 0,
  growthBytes: 1,
  capBytes: 1,
  catchUp: () => {
    throw new Error("the WAL never grows here");
  },
});

describe("WalCheckpointer", () => {
  it("asks for a checkpoint every N COMMITs, one at a time; COMMITs made meanwhile count toward the next", async () => {
    const { runner, calls, asked, done } = manualRunner();
    const checkpointer = new WalCheckpointer(runner, { ...byCount(3), onError: () => {} });
    checkpointer.committed();
    checkpointer.committed();
    expect(calls).toHaveLength(0);
    checkpointer.committed();
    expect(calls).toHaveLength(1);
    for (let i = 0; i < 7; i++) checkpointer.committed(); // 7 COMMITs while the first one runs
    expect(calls).toHaveLength(1);
    calls[0]?.resolve(done);
    await asked(2); // the 7 start the next as soon as the first is done
    calls[1]?.resolve({ busy: false, walPages: 50, checkpointedPages: 20 }); // a reader was in the way
    await checkpointer.idle();
    expect(calls).toHaveLength(2); // the 7 were counted for the second; none since
    expect(checkpointer.stats()).toEqual({ checkpoints: 1, partial: 1, failures: 0, catchUps: 0 });
  });

  it("reports the first failure of a run once, keeps asking, and reports again after a success", async () => {
    const { runner, calls, done } = manualRunner();
    const reported: unknown[] = [];
    const checkpointer = new WalCheckpointer(runner, {
      ...byCount(1),
      onError: (error) => reported.push(error),
    });
    const fail = async (error: Error) => {
      checkpointer.committed();
      calls.at(-1)?.reject(error);
      await checkpointer.idle();
    };
    await fail(new Error("disk I/O error"));
    await fail(new Error("disk I/O error again"));
    expect(reported).toEqual([new Error("disk I/O error")]);
    checkpointer.committed();
    calls.at(-1)?.resolve(done);
    await checkpointer.idle();
    await fail(new Error("after recovery"));
    expect(reported).toEqual([new Error("disk I/O error"), new Error("after recovery")]);
    expect(checkpointer.stats()).toEqual({ checkpoints: 1, partial: 0, failures: 3, catchUps: 0 });
  });

  it("starts a checkpoint as soon as the WAL file grew growthBytes, whatever the COMMIT count", async () => {
    const { runner, calls, asked, done } = manualRunner();
    let walBytes = 1000;
    const checkpointer = new WalCheckpointer(runner, {
      commitsPerCheckpoint: 100,
      walBytes: () => walBytes,
      growthBytes: 500,
      capBytes: 10_000,
      catchUp: () => {},
      onError: () => {},
    });
    checkpointer.committed(); // 1000 bytes: grown from 0
    expect(calls).toHaveLength(1);
    walBytes = 1400;
    checkpointer.committed();
    walBytes = 1600; // grew 600 since the first started, while it ran
    checkpointer.committed();
    calls[0]?.resolve(done);
    await asked(2);
    calls[1]?.resolve(done);
    await checkpointer.idle();
    checkpointer.committed(); // the WAL starts over: its file does not grow, the count is 1 of 100
    await checkpointer.idle();
    expect(calls).toHaveLength(2);
  });

  it("after a checkpoint that ended with the WAL above capBytes, the writer's connection catches up", async () => {
    const { runner, calls, done } = manualRunner();
    let walBytes = 0;
    let catchUps = 0;
    const reported: unknown[] = [];
    const checkpointer = new WalCheckpointer(runner, {
      commitsPerCheckpoint: 1,
      walBytes: () => walBytes,
      growthBytes: 10_000,
      capBytes: 1000,
      catchUp: () => {
        catchUps += 1;
        if (catchUps === 1) throw new Error("SQLITE_IOERR");
        walBytes = 500; // the next write started the WAL over and cut it to journal_size_limit
      },
      onError: (error) => reported.push(error),
    });
    const round = async (index: number) => {
      checkpointer.committed();
      calls[index]?.resolve(done);
      await checkpointer.idle();
    };
    walBytes = 1200; // the writer is ahead of the worker
    await round(0);
    expect(reported).toEqual([new Error("SQLITE_IOERR")]); // a failed catch-up is reported like a checkpoint
    await round(1);
    expect(catchUps).toBe(2);
    await round(2);
    expect(catchUps).toBe(2); // below the cap: the worker alone
    expect(checkpointer.stats()).toEqual({ checkpoints: 3, partial: 0, failures: 1, catchUps: 2 });
  });

  it("close waits for the running checkpoint, closes the runner, and later COMMITs start none", async () => {
    const { runner, calls, closed, done } = manualRunner();
    const checkpointer = new WalCheckpointer(runner, { ...byCount(1), onError: () => {} });
    checkpointer.committed();
    let finished = false;
    const closing = checkpointer.close().then(() => {
      finished = true;
    });
    checkpointer.committed(); // after close: starts none
    expect(finished).toBe(false);
    expect(closed()).toBe(0);
    calls[0]?.resolve(done);
    await closing;
    expect(closed()).toBe(1);
    checkpointer.committed();
    expect(calls).toHaveLength(1);
  });
});
