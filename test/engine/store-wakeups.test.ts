import { describe, expect, it, vi } from "vitest";
import { StoreWakeups } from "../../src/engine/store-wakeups.js";
import type { StoredBacklog } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** StoreWakeups with recording ports; `reads` holds each pending `listBacklogs` call's resolver. */
function wakeups() {
  const clock = new FakeClock(0);
  const wakeBy: number[] = [];
  const touched: string[][] = [];
  const discovered: StoredBacklog[][] = [];
  const reads: Array<(backlogs: StoredBacklog[]) => void> = [];
  const subject = new StoreWakeups({
    clock,
    logger: silent,
    listBacklogs: () => new Promise((resolve) => reads.push(resolve)),
    discover: (backlogs) => discovered.push(backlogs),
    touch: (keys) => touched.push(keys),
    wakeBy: (at) => wakeBy.push(at),
    horizonMs: 60_000,
    gapMs: 1000,
  });
  return { subject, clock, wakeBy, touched, discovered, reads };
}

describe("StoreWakeups", () => {
  it("named backlogs are touched; unnamed ones read the counts, one read in flight and one queued at most", async () => {
    const { subject, touched, discovered, reads } = wakeups();
    subject.onWork({ kind: "backlogs", backlogKeys: ["f\u0000a"] });
    expect(touched).toEqual([["f\u0000a"]]);
    subject.onWork({ kind: "backlogs" });
    subject.onWork({ kind: "backlogs" });
    subject.onWork({ kind: "backlogs" });
    expect(reads).toHaveLength(1);
    reads[0]?.([{ backlogKey: "f\u0000b", runs: 3 }]);
    // The three notices during the read made one more read, after it.
    await vi.waitFor(() => expect(reads).toHaveLength(2));
    expect(discovered).toEqual([[{ backlogKey: "f\u0000b", runs: 3 }]]);
    reads[1]?.([]);
    await vi.waitFor(() => expect(discovered).toHaveLength(2));
    expect(reads).toHaveLength(2);
  });

  it("a wake-up due now brings the sweep to now at most once per gap; a later one only as far as its horizon", async () => {
    const { subject, clock, wakeBy } = wakeups();
    subject.onWork({ kind: "due", at: 0 });
    subject.onWork({ kind: "due", at: 500 });
    await clock.advance(400);
    subject.onWork({ kind: "due", at: 0 });
    subject.onWork({ kind: "due", at: 200_000 });
    await clock.advance(800);
    subject.onWork({ kind: "due", at: 1200 });
    // Sweep times asked for (wakeBy(at) sweeps at at - horizon): now, then the gap's end twice, the far one at
    // its horizon, then now again once the gap passed.
    expect(wakeBy.map((at) => at - 60_000)).toEqual([0, 1000, 1000, 140_000, 1200]);
  });
});
