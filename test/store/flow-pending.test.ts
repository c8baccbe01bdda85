/**
 * Store contract for durable debounce and batch entries (`AcceptEventsInput.flow`, `listFlowPending`),
 * and the `startedSince` run filter the throttle restore uses, run against the memory and SQLite stores;
 * plus the SQLite entries surviving a reopen of the file.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type {
  FlowPendingState,
  FlowPendingUpdate,
  RunRecord,
  Store,
  StoredEvent,
} from "../../src/store/store.js";

const T0 = 1_000_000;
const dbPath = () => join(mkdtempSync(join(tmpdir(), "fairway-flow-pending-")), "fairway.db");

function event(id: string, ts = T0): Omit<StoredEvent, "seq"> {
  return { id, name: "e", data: { id }, ts, receivedAt: T0 };
}

function run(id: string, events: StoredEvent[]): RunRecord {
  return {
    id,
    functionId: "fn",
    status: "queued",
    eventIds: events.map((e) => e.id),
    events: events.map((e) => ({ name: e.name, data: e.data, id: e.id, ts: e.ts })),
    attempt: 0,
    createdAt: T0,
    readyAt: T0,
    eventSeq: 0,
    backlogKey: "fn\u0000",
  };
}

/** A batch of `maxSize` on key `k` (released when full), recording what `apply` and `buildRun` saw. */
function batchUpdate(
  eventIndex: number | undefined,
  seen: { current: Array<FlowPendingState | undefined>; built: StoredEvent[][] },
  maxSize = 3,
): FlowPendingUpdate {
  const update: FlowPendingUpdate = {
    functionId: "fn",
    kind: "batch",
    key: "k",
    apply(current, offered) {
      seen.current.push(current);
      if (!offered) return current && current.dueAt <= T0 + 5000 ? { release: current.eventIds } : undefined;
      const eventIds = [...(current?.eventIds ?? []), offered.id];
      if (eventIds.length >= maxSize) return { release: eventIds };
      return { eventIds, lastTs: offered.ts, firstAt: current?.firstAt ?? T0, dueAt: T0 + 5000 };
    },
    buildRun(events) {
      seen.built.push(events);
      return { run: run(`run-${seen.built.length}`, events) };
    },
  };
  if (eventIndex !== undefined) update.eventIndex = eventIndex;
  return update;
}

const stores: Array<[string, () => Store]> = [
  ["memory", () => new MemoryStore()],
  ["sqlite", () => new SqliteStore({ path: dbPath() })],
];

describe.each(stores)("Store contract: debounce and batch entries (%s)", (_name, make) => {
  let store: Store;
  afterEach(async () => {
    await store.close();
  });
  const open = async () => {
    store = make();
    await store.init();
    return store;
  };

  it("writes an entry in the event's transaction; the change sees the stored entry and the stored event", async () => {
    await open();
    const seen = { current: [] as Array<FlowPendingState | undefined>, built: [] as StoredEvent[][] };
    const first = await store.acceptEvents({
      now: T0,
      events: [event("a")],
      runs: [],
      flow: [batchUpdate(0, seen)],
    });
    expect(first.runs).toEqual([]);
    const entry = {
      functionId: "fn",
      kind: "batch",
      key: "k",
      eventIds: ["a"],
      lastTs: T0,
      firstAt: T0,
      dueAt: T0 + 5000,
    };
    expect(first.flow).toEqual([entry]);
    expect(await store.listFlowPending()).toEqual([entry]);
    expect(await store.getEvent("a")).toMatchObject({ id: "a", seq: first.events[0]?.seq });
    await store.acceptEvents({ now: T0, events: [event("b")], runs: [], flow: [batchUpdate(0, seen)] });
    expect(seen.current).toEqual([undefined, { eventIds: ["a"], lastTs: T0, firstAt: T0, dueAt: T0 + 5000 }]);
    expect((await store.listFlowPending())[0]?.eventIds).toEqual(["a", "b"]);
  });

  it("a release deletes the entry and creates the run, in order, in the same call", async () => {
    await open();
    const seen = { current: [] as Array<FlowPendingState | undefined>, built: [] as StoredEvent[][] };
    const result = await store.acceptEvents({
      now: T0,
      events: [event("a"), event("b"), event("c"), event("d")],
      runs: [],
      flow: [0, 1, 2, 3].map((i) => batchUpdate(i, seen)),
    });
    expect(seen.built.map((events) => events.map((e) => [e.id, e.seq]))).toEqual([
      [
        ["a", result.events[0]?.seq],
        ["b", result.events[1]?.seq],
        ["c", result.events[2]?.seq],
      ],
    ]);
    expect(result.runs.map((r) => [r.id, r.eventIds])).toEqual([["run-1", ["a", "b", "c"]]]);
    expect(result.runs[0]?.eventSeq).toBe(result.events[3]?.seq);
    expect(result.flow?.map((e) => e.eventIds)).toEqual([["d"]]);
    expect(await store.getRun("run-1")).toMatchObject({ status: "queued", eventIds: ["a", "b", "c"] });
    const [backlog] = await store.listBacklogs();
    expect((await store.listBacklogRuns(backlog?.backlogKey ?? "", 9)).map((r) => r.id)).toEqual(["run-1"]);
  });

  it("a due fire releases once: the second finds no entry and creates nothing", async () => {
    await open();
    const seen = { current: [] as Array<FlowPendingState | undefined>, built: [] as StoredEvent[][] };
    await store.acceptEvents({ now: T0, events: [event("a")], runs: [], flow: [batchUpdate(0, seen)] });
    const fire = () =>
      store.acceptEvents({ now: T0 + 5000, events: [], runs: [], flow: [batchUpdate(undefined, seen)] });
    const fired = await fire();
    expect(fired.runs.map((r) => r.eventIds)).toEqual([["a"]]);
    expect(fired.flow).toEqual([]);
    expect(await store.listFlowPending()).toEqual([]);
    const again = await fire();
    expect(again.runs).toEqual([]);
    expect(seen.built).toHaveLength(1);
  });

  it("an undefined change leaves the entry as it is", async () => {
    await open();
    const seen = { current: [] as Array<FlowPendingState | undefined>, built: [] as StoredEvent[][] };
    await store.acceptEvents({ now: T0, events: [event("a")], runs: [], flow: [batchUpdate(0, seen)] });
    const keep: FlowPendingUpdate = { ...batchUpdate(0, seen), apply: () => undefined };
    const result = await store.acceptEvents({ now: T0, events: [event("b")], runs: [], flow: [keep] });
    expect(result.flow).toEqual([]);
    expect((await store.listFlowPending())[0]?.eventIds).toEqual(["a"]);
  });

  it("a release with `next` creates the run and opens a new entry under the key", async () => {
    await open();
    const seen = { current: [] as Array<FlowPendingState | undefined>, built: [] as StoredEvent[][] };
    await store.acceptEvents({ now: T0, events: [event("a")], runs: [], flow: [batchUpdate(0, seen)] });
    const next = { eventIds: ["b"], lastTs: T0, firstAt: T0 + 9000, dueAt: T0 + 14_000 };
    const rollOver: FlowPendingUpdate = {
      ...batchUpdate(0, seen),
      apply: (current, offered) => ({
        release: current?.eventIds ?? [],
        next: { ...next, eventIds: [offered?.id ?? ""] },
      }),
    };
    const result = await store.acceptEvents({
      now: T0 + 9000,
      events: [event("b")],
      runs: [],
      flow: [rollOver],
    });
    expect(result.runs.map((r) => r.eventIds)).toEqual([["a"]]);
    expect(result.flow).toEqual([{ functionId: "fn", kind: "batch", key: "k", ...next }]);
    expect(await store.listFlowPending()).toEqual([{ functionId: "fn", kind: "batch", key: "k", ...next }]);
  });

  it("listRuns `startedSince` selects runs by their first start, whenever created", async () => {
    await open();
    await store.acceptEvents({
      now: T0,
      events: [],
      runs: [{ run: run("old", []) }, { run: run("new", []) }],
    });
    await store.claimRun("old", "w", T0 + 100, 1000);
    const { runs } = await store.listRuns({ startedSince: T0 + 100 });
    expect(runs.map((r) => r.id)).toEqual(["old"]);
    expect((await store.listRuns({ startedSince: T0 + 101 })).runs).toEqual([]);
  });

  it("entries are per function × kind × key", async () => {
    await open();
    const seen = { current: [] as Array<FlowPendingState | undefined>, built: [] as StoredEvent[][] };
    const base = batchUpdate(0, seen);
    await store.acceptEvents({
      now: T0,
      events: [event("a")],
      runs: [],
      flow: [base, { ...base, key: "other" }, { ...base, kind: "debounce" }, { ...base, functionId: "g" }],
    });
    const keys = (await store.listFlowPending()).map((e) => `${e.functionId}/${e.kind}/${e.key}`).sort();
    expect(keys).toEqual(["fn/batch/k", "fn/batch/other", "fn/debounce/k", "g/batch/k"]);
  });
});

describe("SQLite debounce and batch entries", () => {
  it("survive closing and reopening the file", async () => {
    const path = dbPath();
    const seen = { current: [] as Array<FlowPendingState | undefined>, built: [] as StoredEvent[][] };
    const first = new SqliteStore({ path });
    await first.init();
    await first.acceptEvents({
      now: T0,
      events: [event("a"), event("b")],
      runs: [],
      flow: [batchUpdate(0, seen), batchUpdate(1, seen)],
    });
    await first.close();
    const second = new SqliteStore({ path });
    await second.init();
    expect(await second.listFlowPending()).toEqual([
      {
        functionId: "fn",
        kind: "batch",
        key: "k",
        eventIds: ["a", "b"],
        lastTs: T0,
        firstAt: T0,
        dueAt: T0 + 5000,
      },
    ]);
    const fired = await second.acceptEvents({
      now: T0 + 5000,
      events: [],
      runs: [],
      flow: [batchUpdate(undefined, seen)],
    });
    expect(fired.runs.map((r) => r.eventIds)).toEqual([["a", "b"]]);
    await second.close();
  });
});
