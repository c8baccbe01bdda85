import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ConfigError, MigrationError } from "../../src/errors/index.js";
import { migrate, migrations } from "../../src/store/sqlite/migrations.js";
import { retentionTable } from "../../src/store/sqlite/retention-table.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { retentionContract } from "./retention.contract.js";
import { offerAtomicity, storeContract } from "./store.contract.js";

const dbPath = () => join(mkdtempSync(join(tmpdir(), "fairway-sqlite-")), "nested", "fairway.db");

/** A queued run of `fn`, due at 1. */
const queuedRun = (id: string) => ({
  id,
  functionId: "fn",
  status: "queued" as const,
  eventIds: [],
  events: [],
  attempt: 0,
  createdAt: 1,
  readyAt: 1,
  eventSeq: 0,
  backlogKey: "fn\u0000",
});

/** A store on `path` (initialized) holding the queued runs `runIds` of `fn`. */
async function storeWithRuns(path: string, ...runIds: string[]): Promise<SqliteStore> {
  const store = new SqliteStore({ path });
  await store.init();
  await store.acceptEvents({ now: 1, events: [], runs: runIds.map((id) => ({ run: queuedRun(id) })) });
  return store;
}

/** An event named `n` received at `at`. */
const anEvent = (id: string, at = 1) => ({ id, name: "n", data: {}, ts: at, receivedAt: at });

const openSqlite = async () => {
  const store = new SqliteStore({ path: dbPath() });
  await store.init();
  return store;
};
storeContract("sqlite", openSqlite);
offerAtomicity("sqlite", openSqlite);
retentionContract("sqlite", openSqlite);

describe("SQLite migrations", () => {
  it("apply once, in order, recording each version; re-running is a no-op", async () => {
    const path = dbPath();
    const store = new SqliteStore({ path });
    await store.init();
    await store.init();
    await store.close();
    const db = new Database(path);
    const versions = db.prepare("SELECT version FROM schema_migrations ORDER BY version").all();
    expect(versions).toEqual(migrations.map((migration) => ({ version: migration.version })));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("applies a version below the highest applied one that is missing (changes land in any order)", () => {
    const db = new Database(":memory:");
    const list = [
      { version: 1, sql: "CREATE TABLE a (x INTEGER);" },
      { version: 2, sql: "CREATE TABLE b (x INTEGER);" },
      { version: 3, sql: "CREATE TABLE c (x INTEGER);" },
    ];
    migrate(db, [list[0], list[2]] as typeof list);
    migrate(db, list);
    expect(db.prepare("SELECT version FROM schema_migrations ORDER BY version").all()).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
    ]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toEqual({ name: "b" });
  });

  it("a failing migration rolls back with its version bump and throws MigrationError", () => {
    const db = new Database(":memory:");
    const list = [
      { version: 1, sql: "CREATE TABLE a (x INTEGER);" },
      { version: 2, sql: "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);" },
    ];
    const error = (() => {
      try {
        migrate(db, list);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).version).toBe(2);
    expect(db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get()).toEqual({ v: 1 });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
  });

  it("version 16 records the admissions of the last 24 h as the windows were rebuilt before it: runs not skipped", async () => {
    const path = dbPath();
    const store = new SqliteStore({ path });
    await store.init();
    const hour = 3_600_000;
    const now = Date.now();
    const keyed = (id: string, createdAt: number, fields: object = {}) => ({
      run: {
        ...queuedRun(id),
        createdAt,
        flowKeys: { priority: 0, rateLimit: "a", idempotency: "o1" },
        ...fields,
      },
    });
    await store.acceptEvents({
      now,
      events: [],
      runs: [
        keyed("recent", now - hour),
        keyed("old", now - 25 * hour),
        keyed("skipped", now - hour, { status: "skipped", skipReason: "rate limit", endedAt: now }),
        keyed("unlimited", now - hour, { flowKeys: { priority: 0 } }),
      ],
    });
    await store.close();
    // The file as an older version left it: runs, no admissions.
    const db = new Database(path);
    db.exec("DROP TABLE run_admissions; DELETE FROM schema_migrations WHERE version = 16;");
    migrate(db);
    db.close();
    const reopened = new SqliteStore({ path });
    await reopened.init();
    expect(await reopened.listAdmissions({ since: 0, limit: 10 })).toEqual([
      { scope: "idempotency:fn\u0000o1", at: now - hour, runId: "recent" },
      { scope: "rateLimit:fn\u0000a", at: now - hour, runId: "recent" },
    ]);
    await reopened.close();
  });

  it("data survives reopening the file", async () => {
    const path = dbPath();
    const first = new SqliteStore({ path });
    await first.init();
    await first.acceptEvents({
      now: 1,
      events: [{ id: "e1", name: "n", data: { a: 1 }, ts: 1, receivedAt: 1 }],
      runs: [],
    });
    await first.close();
    const second = new SqliteStore({ path });
    await second.init();
    expect(await second.getEvent("e1")).toMatchObject({ data: { a: 1 }, seq: 1 });
    await second.close();
  });
});

describe("SQLite retention of runs", () => {
  it("a batch deletes the oldest ended runs whose runs and steps fit in the batch size, at least one", () => {
    const db = new Database(":memory:");
    migrate(db);
    // r1 ended first with 5 steps, r2 and r3 then with 1 each; r4 has not ended.
    db.exec(`INSERT INTO runs (id, function_id, status, event_ids, events, created_at, ended_at, event_seq, backlog_key)
      VALUES ('r1', 'fn', 'completed', '[]', '[]', 1, 11, 0, 'b'), ('r2', 'fn', 'failed', '[]', '[]', 1, 12, 0, 'b'),
        ('r3', 'fn', 'cancelled', '[]', '[]', 1, 13, 0, 'b'), ('r4', 'fn', 'queued', '[]', '[]', 1, NULL, 0, 'b');
      INSERT INTO steps (run_id, id, name, op, status, position, attempts, started_at)
      VALUES ('r1', 'a', 'a', 'run', 'completed', 0, 1, 1), ('r1', 'b', 'b', 'run', 'completed', 1, 1, 1),
        ('r1', 'c', 'c', 'run', 'completed', 2, 1, 1), ('r1', 'd', 'd', 'run', 'completed', 3, 1, 1),
        ('r1', 'e', 'e', 'run', 'completed', 4, 1, 1), ('r2', 'a', 'a', 'run', 'completed', 0, 1, 1),
        ('r3', 'a', 'a', 'run', 'completed', 0, 1, 1), ('r4', 'a', 'a', 'run', 'completed', 0, 1, 1);`);
    const table = retentionTable(db);
    // 6 rows > 4, but the first run goes whole; then r2 (2 rows) and r3 (2 rows) fit in one batch.
    expect(table.deleteRuns(100, 4)).toEqual({ examined: 3, runs: 1, steps: 5 });
    expect(table.deleteRuns(100, 4)).toEqual({ examined: 2, runs: 2, steps: 2 });
    expect(table.deleteRuns(100, 4)).toEqual({ examined: 0, runs: 0, steps: 0 });
    expect(db.prepare("SELECT run_id AS id FROM steps UNION ALL SELECT id FROM runs").all()).toEqual([
      { id: "r4" },
      { id: "r4" },
    ]);
  });
});

describe("SQLite finishRun with `send`", () => {
  it("is one transaction: if storing the sent events or runs fails, the run is not ended either", async () => {
    const store = new SqliteStore({ path: dbPath() });
    await store.init();
    await store.acceptEvents({
      now: 1,
      events: [],
      runs: [{ run: queuedRun("r1") }, { run: queuedRun("taken") }],
    });
    await store.claimRun("r1", "w1", 1, 1000);
    const send = {
      now: 2,
      events: [{ id: "failed", name: "fairway/function.failed", data: {}, ts: 2, receivedAt: 2 }],
      runs: [{ run: queuedRun("taken"), eventIndex: 0 }], // primary key already used: the insert throws
    };
    await expect(
      store.finishRun({ runId: "r1", owner: "w1", status: "failed", endedAt: 2, send }),
    ).rejects.toThrow();
    expect(await store.getRun("r1")).toMatchObject({ status: "running", leaseOwner: "w1" });
    expect(await store.getEvent("failed")).toBeUndefined();
    await store.close();
  });
});

describe("SQLite group commit and durability", () => {
  const checkpoint = (runId: string, id: string) => ({
    runId,
    id,
    name: id,
    op: "run" as const,
    status: "completed" as const,
    position: 0,
    outputText: "1",
    attempts: 1,
    startedAt: 1,
    endedAt: 2,
  });

  it("concurrent checkpoints, claims and accepted events of one tick are one transaction, each durable before its caller resumes", async () => {
    const path = dbPath();
    const store = await storeWithRuns(path, "r1", "r2");
    await store.claimRun("r2", "w2", 1, 1000);
    const reader = new Database(path, { readonly: true });
    const committed = (sql: string, ...params: unknown[]) => reader.prepare(sql).get(...params) !== undefined;
    const seen: string[] = [];
    const before = store.commitStats();
    await Promise.all([
      store.claimRun("r1", "w1", 1, 1000).then(() => {
        if (committed("SELECT 1 FROM runs WHERE id = 'r1' AND lease_owner = 'w1'")) seen.push("claim");
      }),
      store.saveStep(checkpoint("r2", "s1"), { owner: "w2", now: 2 }).then((held) => {
        if (held && committed("SELECT 1 FROM steps WHERE run_id = 'r2' AND id = 's1'"))
          seen.push("checkpoint");
      }),
      store.acceptEvents({ now: 2, events: [anEvent("e1", 2)], runs: [] }).then(() => {
        if (committed("SELECT 1 FROM events WHERE id = 'e1'")) seen.push("event");
      }),
    ]);
    expect(seen.sort()).toEqual(["checkpoint", "claim", "event"]);
    const after = store.commitStats();
    expect(after.transactions - before.transactions).toBe(1);
    expect(after.writes - before.writes).toBe(3);
    reader.close();
    await store.close();
  });

  it("a write that fails in a shared transaction fails only its caller; the others are stored", async () => {
    const store = new SqliteStore({ path: dbPath() });
    await store.init();
    const accept = (eventId: string) => store.acceptEvents({ now: 1, events: [anEvent(eventId)], runs: [] });
    await accept("taken");
    const results = await Promise.allSettled([accept("e1"), accept("taken"), accept("e2")]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await store.getEvent("e1")).toMatchObject({ id: "e1" });
    expect(await store.getEvent("e2")).toMatchObject({ id: "e2" });
    await store.close();
  });

  it("writes queued when the store closes are committed first", async () => {
    const path = dbPath();
    const store = new SqliteStore({ path });
    await store.init();
    const write = store.acceptEvents({ now: 1, events: [anEvent("late")], runs: [] });
    await store.close();
    await expect(write).resolves.toMatchObject({ events: [{ id: "late" }] });
    const reopened = new SqliteStore({ path });
    await reopened.init();
    expect(await reopened.getEvent("late")).toMatchObject({ id: "late" });
    await reopened.close();
  });

  it("a big acceptEvents, written over several turns, is still one transaction: a failing row stores nothing", async () => {
    const store = new SqliteStore({ path: dbPath() });
    await store.init();
    // The 551st event reuses an id: its insert fails in a late slice.
    const events = Array.from({ length: 600 }, (_, n) => anEvent(n === 550 ? "e10" : `e${n}`));
    await expect(store.acceptEvents({ now: 1, events, runs: [] })).rejects.toThrow(
      /UNIQUE constraint failed/,
    );
    expect(await store.getEvent("e0")).toBeUndefined();
    expect(await store.getEvent("e10")).toBeUndefined();
    // The writes that queued behind it go on.
    await store.acceptEvents({ now: 2, events: [anEvent("next", 2)], runs: [] });
    expect(await store.getEvent("next")).toMatchObject({ seq: expect.any(Number) });
    await store.close();
  });

  it("listDueRuns and listBacklogRuns are answered after the writes queued before them, so a sweep or a refill never overtakes a run's creator", async () => {
    const store = new SqliteStore({ path: dbPath() });
    await store.init();
    const order: string[] = [];
    const delayed = { ...queuedRun("delayed"), createdAt: 0 };
    const [, due, backlog] = await Promise.all([
      store
        .acceptEvents({ now: 1, events: [], runs: [{ run: queuedRun("r1") }, { run: delayed }] })
        .then(() => {
          order.push("created");
        }),
      store.listDueRuns(1, 10).then((runs) => {
        order.push("swept");
        return runs;
      }),
      store.listBacklogRuns("fn\u0000", 10).then((runs) => {
        order.push("refilled");
        return runs;
      }),
    ]);
    expect(order).toEqual(["created", "swept", "refilled"]);
    expect(due.map((run) => run.id)).toEqual(["delayed"]);
    expect(backlog.map((run) => run.id)).toEqual(["r1"]);
    await store.close();
  });

  it("synchronous defaults to full (fsync per COMMIT); normal is accepted; anything else is a ConfigError", async () => {
    expect(new SqliteStore({ path: ":memory:" }).synchronous).toBe("full");
    expect(new SqliteStore({ path: ":memory:", synchronous: "normal" }).synchronous).toBe("normal");
    const bad = () => new SqliteStore({ path: ":memory:", synchronous: "off" as never });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow('synchronous: must be "full" or "normal" (received "off")');
  });

  it.each([
    [
      { path: ":memory:", busyTimeout: 100 },
      "busyTimeout: is not a known field (known: path, busyTimeoutMs, synchronous, commitsPerCheckpoint, onCheckpointError)",
    ],
    [{}, 'path: must be a non-empty file path (or ":memory:")'],
    [{ path: "" }, 'path: must be a non-empty file path (or ":memory:") (received "")'],
    [{ path: ":memory:", busyTimeoutMs: -1 }, "busyTimeoutMs: must be an integer >= 0 (ms) (received -1)"],
    [
      { path: ":memory:", busyTimeoutMs: "5000" },
      'busyTimeoutMs: must be an integer >= 0 (ms) (received "5000")',
    ],
    [
      { path: ":memory:", onCheckpointError: "warn" },
      'onCheckpointError: must be a function (received "warn")',
    ],
  ])("options %j are a ConfigError: %s", (options, message) => {
    const open = () => new SqliteStore(options as never);
    expect(open).toThrow(ConfigError);
    expect(open).toThrow(message);
  });
});

describe("SQLite listWaits of event names no wait was registered for", () => {
  const pendingWait = (runId: string, match?: { field: string; value: string }) => ({
    lease: { owner: "w1", now: 1 },
    wait: {
      id: `${runId}:w`,
      runId,
      stepId: "w",
      eventName: "go",
      triggerEvent: { name: "n", data: {}, id: "x", ts: 1 },
      expiresAt: 1000,
      afterSeq: 0,
      ...(match ? { match } : {}),
    },
    pending: {
      runId,
      id: "w",
      name: "w",
      op: "waitForEvent" as const,
      status: "waiting" as const,
      position: 0,
      attempts: 1,
      startedAt: 1,
    },
    matches: () => false,
    completed: () => {
      throw new Error("no event to match");
    },
  });

  it("finds the waits stored before the file was reopened, and a name's new wait after its last one ended", async () => {
    const path = dbPath();
    const first = await storeWithRuns(path, "r1", "r2");
    await first.claimRun("r1", "w1", 1, 1000);
    expect(await first.registerWait(pendingWait("r1"))).toEqual({ held: true });
    await first.close();

    const second = new SqliteStore({ path });
    await second.init();
    expect((await second.listWaits("go", { name: "go", data: {} })).map((wait) => wait.id)).toEqual(["r1:w"]);
    expect(await second.listWaits("other", { name: "other", data: {} })).toEqual([]);
    // The run ends: its wait is deleted, and a read finds no wait named "go" any more.
    await second.finishRun({ runId: "r1", status: "completed", endedAt: 2 });
    expect(await second.listWaits("go", { name: "go", data: {} })).toEqual([]);
    expect(await second.listWaits("go")).toEqual([]);
    // A new wait of that name (keyed by a match value this time) is found again.
    await second.claimRun("r2", "w1", 1, 1000);
    await second.registerWait(pendingWait("r2", { field: "data.id", value: '"a"' }));
    expect((await second.listWaits("go", { name: "go", data: { id: "a" } })).map((wait) => wait.id)).toEqual([
      "r2:w",
    ]);
    expect((await second.listWaits("go")).map((wait) => wait.id)).toEqual(["r2:w"]);
    await second.close();
  });

  it("a wait whose write is rolled back leaves nothing to find, and one written later is found", async () => {
    const store = await storeWithRuns(dbPath(), "r1");
    await store.claimRun("r1", "w1", 1, 1000);
    const suspend = (children: Array<{ run: ReturnType<typeof queuedRun> }>) =>
      store.suspendRun({
        runId: "r1",
        owner: "w1",
        now: 1,
        status: "waiting",
        readyAt: 1000,
        attempt: 0,
        steps: [pendingWait("r1").pending],
        waits: [pendingWait("r1").wait],
        children: { now: 1, events: [], runs: children },
        awaiting: [],
      });
    // The child's id is taken by the run itself: the insert fails after the wait's, and the write rolls back.
    await expect(suspend([{ run: queuedRun("r1") }])).rejects.toThrow(/UNIQUE constraint failed/);
    expect(await store.listWaits("go", { name: "go", data: {} })).toEqual([]);
    await expect(suspend([])).resolves.toEqual({ readyAt: 1000, children: [] });
    expect((await store.listWaits("go", { name: "go", data: {} })).map((wait) => wait.id)).toEqual(["r1:w"]);
    await store.close();
  });
});
