import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { MigrationError } from "../../src/errors/index.js";
import { migrate, migrations } from "../../src/store/sqlite/migrations.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { storeContract } from "./store.contract.js";

const dbPath = () => join(mkdtempSync(join(tmpdir(), "fairway-sqlite-")), "nested", "fairway.db");

storeContract("sqlite", async () => {
  const store = new SqliteStore({ path: dbPath() });
  await store.init();
  return store;
});

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

describe("SQLite finishRun with `send`", () => {
  it("is one transaction: if storing the sent events or runs fails, the run is not ended either", async () => {
    const store = new SqliteStore({ path: dbPath() });
    await store.init();
    const run = (id: string) => ({
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
    await store.acceptEvents({ now: 1, events: [], runs: [{ run: run("r1") }, { run: run("taken") }] });
    await store.claimRun("r1", "w1", 1, 1000);
    const send = {
      now: 2,
      events: [{ id: "failed", name: "fairway/function.failed", data: {}, ts: 2, receivedAt: 2 }],
      runs: [{ run: run("taken"), eventIndex: 0 }], // primary key already used: the insert throws
    };
    await expect(
      store.finishRun({ runId: "r1", owner: "w1", status: "failed", endedAt: 2, send }),
    ).rejects.toThrow();
    expect(await store.getRun("r1")).toMatchObject({ status: "running", leaseOwner: "w1" });
    expect(await store.getEvent("failed")).toBeUndefined();
    await store.close();
  });
});
