import { existsSync, mkdtempSync, renameSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { StoreError } from "../../errors/index.js";
import { workerCheckpointRunner } from "./checkpoint-worker.js";
import { SqliteStore } from "./sqlite-store.js";

const dbFile = () => join(mkdtempSync(join(tmpdir(), "fairway-checkpoint-")), "test.db");

/** A WAL database with automatic checkpoints off and `commits` small transactions written by `write`. */
function walDatabase(file: string) {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)");
  const insert = db.prepare("INSERT INTO rows (body) VALUES (?)");
  const write = (commits: number) => {
    for (let i = 0; i < commits; i++) insert.run("x".repeat(2000)); // one COMMIT each
  };
  return { db, write };
}

describe("workerCheckpointRunner", () => {
  it("checkpoints the WAL on its own connection, and the WAL stays bounded as the writer goes on", async () => {
    const file = dbFile();
    const { db, write } = walDatabase(file);
    const runner = workerCheckpointRunner(file);
    write(200);
    const walBytes = statSync(`${file}-wal`).size;
    const first = await runner.checkpoint();
    expect(first.busy).toBe(false);
    expect(first.walPages).toBeGreaterThanOrEqual(200);
    expect(first.checkpointedPages).toBe(first.walPages);
    for (let round = 0; round < 5; round++) {
      write(200); // starts the WAL over from the beginning: the file does not grow
      const result = await runner.checkpoint();
      expect(result.checkpointedPages).toBe(result.walPages);
      expect(result.walPages).toBeLessThan(first.walPages * 1.1); // not 2, 3, … times as many
    }
    // Six rounds without checkpoints would make a WAL six times as long.
    expect(statSync(`${file}-wal`).size).toBeLessThan(walBytes * 1.1);
    await runner.close();
    expect(db.prepare("SELECT count(*) AS n FROM rows").get()).toEqual({ n: 1200 });
    db.close();
  });

  it("close ends the worker and its connection: the writer's close is the last and removes the WAL", async () => {
    const file = dbFile();
    const { db, write } = walDatabase(file);
    const runner = workerCheckpointRunner(file);
    write(10);
    await runner.checkpoint();
    await runner.close(); // resolves when the thread has exited
    db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("rejects with a retryable StoreError naming the file when a checkpoint fails, and keeps serving", async () => {
    const file = dbFile();
    const runner = workerCheckpointRunner(file);
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await runner.checkpoint().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).retryable).toBe(true);
      expect((error as Error).message).toContain(file);
    }
    const { db, write } = walDatabase(file); // the file exists now: the same runner checkpoints it
    write(5);
    const result = await runner.checkpoint();
    expect(result.checkpointedPages).toBe(result.walPages);
    await runner.close();
    db.close();
  });
});

describe("SqliteStore WAL checkpoints", () => {
  const usage = (i: number) => [
    {
      id: `r${i}:s`,
      runId: `r${i}`,
      functionId: "f",
      tenantKey: "t",
      model: "m",
      at: i,
      inputTokens: 1,
      outputTokens: 1,
    },
  ];

  it("checkpoints off the event loop every commitsPerCheckpoint COMMITs and closes the worker on close()", async () => {
    const file = dbFile();
    const store = new SqliteStore({ path: file, commitsPerCheckpoint: 5 });
    await store.init();
    for (let i = 0; i < 50; i++) await store.recordUsage(usage(i));
    await store.close();
    const { checkpoints } = store.commitStats();
    expect(checkpoints.failures).toBe(0);
    expect(checkpoints.checkpoints + checkpoints.partial).toBeGreaterThanOrEqual(1);
    expect(existsSync(`${file}-wal`)).toBe(false); // the worker's connection closed before the store's
  });

  it("reports a failed checkpoint once and keeps working", async () => {
    const file = dbFile();
    const reported: unknown[] = [];
    let failed: () => void = () => {};
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const store = new SqliteStore({
      path: file,
      commitsPerCheckpoint: 1,
      onCheckpointError: (error) => {
        reported.push(error);
        failed();
      },
    });
    await store.init();
    // The store's connection keeps its open file; the checkpoint worker, opening the path, finds nothing.
    renameSync(file, `${file}.moved`);
    await store.recordUsage(usage(0));
    await firstFailure;
    for (let i = 1; i < 20; i++) await store.recordUsage(usage(i));
    const totals = await store.usageTotals({ tenantKey: "t" });
    await store.close();
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(StoreError);
    expect(store.commitStats().checkpoints.failures).toBeGreaterThanOrEqual(1);
    expect(totals).toMatchObject([{ tenantKey: "t", calls: 20, inputTokens: 20 }]);
  });
});
