import { describe, expect, it } from "vitest";
import type { Run, RunEvent } from "../../src/index.js";
import { RunFeed, type RunSource } from "./run-feed.js";
import { TenantTracker } from "./tenant-tracker.js";

/** A hand-driven run source: lookups resolve only when the test says so. */
function manualSource() {
  const listeners = new Set<(event: RunEvent) => void>();
  const runs = new Map<string, Run>();
  const pending: Array<{ answer: () => void; lookup: Promise<Run | undefined> }> = [];
  const source: RunSource = {
    onRunEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getRun: (runId) => {
      let answer = () => {};
      const lookup = new Promise<Run | undefined>((resolve) => {
        answer = () => resolve(runs.get(runId));
      });
      pending.push({ answer, lookup });
      return lookup;
    },
  };
  const emit = (type: RunEvent["type"], runId: string, at: number, functionId = "fn") => {
    for (const listener of listeners) listener({ type, runId, functionId, at });
  };
  /** Answers the lookups made so far; resolves once the feed handled the answers (it subscribed first). */
  const resolveLookups = async () => {
    const lookups = pending.splice(0);
    for (const { answer } of lookups) answer();
    await Promise.all(lookups.map(({ lookup }) => lookup));
  };
  const addRun = (id: string, eventId: string, extra: Partial<Run> = {}) => {
    const event = { id: eventId, name: "e", data: {}, ts: 0 };
    runs.set(id, {
      id,
      functionId: "fn",
      status: "queued",
      eventIds: [eventId],
      event,
      events: [event],
      attempt: 0,
      createdAt: 0,
      ...extra,
    });
  };
  return { source, emit, resolveLookups, addRun, listeners };
}

describe("RunFeed", () => {
  it("holds a run's notifications until it knows the run's user, then applies them in order", async () => {
    const { source, emit, resolveLookups, addRun } = manualSource();
    const tracker = new TenantTracker();
    const feed = new RunFeed(source, tracker, "fn");
    feed.expect("ev1", { userId: "u1", plan: "free", sentAt: 100 });
    addRun("r1", "ev1");
    emit("run.queued", "r1", 101);
    emit("run.started", "r1", 130);
    emit("run.started", "r9", 130, "other-fn");
    expect(tracker.snapshot()).toEqual([]);
    await resolveLookups();
    expect(tracker.snapshot()[0]).toMatchObject({ userId: "u1", running: 1, startP50: 30 });
    const settled = feed.settled(1);
    emit("run.completed", "r1", 200);
    await settled;
    expect(tracker.snapshot()[0]).toMatchObject({ completed: 1, running: 0 });
    expect([...feed.runs().keys()]).toEqual(["r1"]);
    feed.stop();
  });

  it("records skipped runs with the engine's reason", async () => {
    const { source, emit, resolveLookups, addRun } = manualSource();
    const tracker = new TenantTracker();
    const feed = new RunFeed(source, tracker, "fn");
    feed.expect("ev2", { userId: "heavy", plan: "free", sentAt: 0 });
    addRun("r2", "ev2", { status: "skipped", skipReason: "rate limit: 100 per 1m for key heavy" });
    emit("run.skipped", "r2", 1);
    await resolveLookups();
    await resolveLookups();
    await feed.settled(1);
    expect(tracker.skipReasons()).toEqual([{ reason: "rate limit: 100 per 1m for key heavy", count: 1 }]);
  });

  it("ignores runs of events it was not told about and stops listening on stop()", async () => {
    const { source, emit, resolveLookups, addRun, listeners } = manualSource();
    const tracker = new TenantTracker();
    const feed = new RunFeed(source, tracker, "fn");
    addRun("r3", "unknown-event");
    emit("run.started", "r3", 5);
    await resolveLookups();
    expect(tracker.snapshot()).toEqual([]);
    feed.stop();
    expect(listeners.size).toBe(0);
  });
});
