import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { StoreError } from "../../errors/index.js";
import { GroupCommit } from "./group-commit.js";

/** A file database (WAL, like the store), a second connection to read what is committed, and a held group commit. */
function setup() {
  const path = join(mkdtempSync(join(tmpdir(), "fairway-group-commit-")), "test.db");
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE items (id TEXT PRIMARY KEY, value TEXT)");
  const reader = new Database(path, { readonly: true });
  const held: Array<() => void> = [];
  const commits = new GroupCommit(db, { schedule: (flush) => held.push(flush) });
  const insert = db.prepare("INSERT INTO items (id, value) VALUES (?, ?)");
  /** The ids another connection sees committed. */
  const committed = () =>
    (reader.prepare("SELECT id FROM items ORDER BY id").all() as Array<{ id: string }>).map((row) => row.id);
  /** Lets the held batch be written: what the end of the event-loop turn does in production. */
  const release = () => {
    for (const flush of held.splice(0)) flush();
  };
  opened.push(db, reader);
  return { db, commits, insert, committed, release, held };
}

const opened: Database.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** Outcome of a promise, recorded when its continuation runs; `done` resolves after that. */
function track<T>(promise: Promise<T>, onSettled: () => void = () => {}) {
  const state: { settled: boolean; value?: T; error?: unknown; done?: Promise<unknown> } = { settled: false };
  state.done = promise.then(
    (value) => {
      onSettled();
      Object.assign(state, { settled: true, value });
    },
    (error: unknown) => {
      onSettled();
      Object.assign(state, { settled: true, error });
    },
  );
  return state;
}

describe("GroupCommit", () => {
  it("writes queued in one turn share one transaction, and no caller resumes before its COMMIT", async () => {
    const { commits, insert, committed, release, held } = setup();
    const seenAtResume: string[][] = [];
    const writes = ["a", "b", "c"].map((id) =>
      track(
        commits.run(() => insert.run(id, id).changes),
        () => seenAtResume.push(committed()),
      ),
    );
    // One flush is scheduled for the three writes; while it is held, nothing is committed.
    expect(held).toHaveLength(1);
    expect(committed()).toEqual([]);

    release();
    await Promise.all(writes.map((write) => write.done));
    expect(writes.map((write) => write.value)).toEqual([1, 1, 1]);
    // Each caller, when it resumed, already saw every write of its transaction from another connection.
    expect(seenAtResume).toEqual([
      ["a", "b", "c"],
      ["a", "b", "c"],
      ["a", "b", "c"],
    ]);
    expect(commits.stats()).toEqual({ transactions: 1, writes: 3 });
  });

  it("a write that throws rolls back only its own statements; the others of the batch commit", async () => {
    const { commits, insert, committed, release } = setup();
    const first = commits.run(() => insert.run("a", "1"));
    const duplicate = commits.run(() => insert.run("a", "2"));
    const partial = commits.run(() => {
      insert.run("p", "written before the throw");
      throw new Error("handler bug");
    });
    const last = commits.run(() => insert.run("z", "1"));
    release();
    await expect(first).resolves.toMatchObject({ changes: 1 });
    await expect(duplicate).rejects.toThrow(/UNIQUE constraint failed/);
    await expect(partial).rejects.toThrow("handler bug");
    await expect(last).resolves.toMatchObject({ changes: 1 });
    expect(committed()).toEqual(["a", "z"]);
    expect(commits.stats()).toEqual({ transactions: 1, writes: 2 });
  });

  it("a one-statement write (no savepoint) that fails undoes only itself; the others of the batch commit", async () => {
    const { commits, insert, committed, release } = setup();
    const first = commits.run(() => insert.run("a", "1"), { oneStatement: true });
    const duplicate = commits.run(() => insert.run("a", "2"), { oneStatement: true });
    const unsynced = commits.runUnsynced(() => insert.run("u", "1"), { oneStatement: true });
    const last = commits.run(() => insert.run("z", "1"));
    release();
    await expect(first).resolves.toMatchObject({ changes: 1 });
    await expect(duplicate).rejects.toThrow(/UNIQUE constraint failed/);
    await expect(unsynced).resolves.toMatchObject({ changes: 1 });
    await expect(last).resolves.toMatchObject({ changes: 1 });
    expect(committed()).toEqual(["a", "u", "z"]);
    expect(commits.stats()).toEqual({ transactions: 1, writes: 3 });
  });

  it("when SQLite aborts the whole transaction, the writes before it fail with a StoreError and the rest commit", async () => {
    const { db, commits, insert, committed, release } = setup();
    const before = commits.run(() => insert.run("a", "1"));
    // What SQLite does on some I/O errors or a full disk: the statement fails and the transaction is gone.
    const aborting = commits.run(() => {
      db.exec("ROLLBACK");
      throw new Error("disk I/O error");
    });
    const after = commits.run(() => insert.run("b", "1"));
    release();
    const error = await before.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).retryable).toBe(true);
    expect((error as StoreError).cause).toMatchObject({ message: "disk I/O error" });
    await expect(aborting).rejects.toThrow("disk I/O error");
    await expect(after).resolves.toMatchObject({ changes: 1 });
    expect(committed()).toEqual(["b"]);
    expect(commits.stats()).toEqual({ transactions: 1, writes: 1 });
  });

  it("a COMMIT that fails fails every write it carried and leaves nothing written", async () => {
    const { db, commits, insert, committed, release } = setup();
    db.pragma("foreign_keys = ON");
    db.exec(`CREATE TABLE children (id TEXT PRIMARY KEY,
      parent TEXT REFERENCES items (id) DEFERRABLE INITIALLY DEFERRED)`);
    const child = db.prepare("INSERT INTO children (id, parent) VALUES (?, ?)");
    const good = commits.run(() => insert.run("a", "1"));
    // A deferred foreign key is only checked at COMMIT: the whole transaction is refused.
    const orphan = commits.run(() => child.run("c", "missing"));
    release();
    await expect(good).rejects.toThrow(/FOREIGN KEY constraint failed/);
    await expect(orphan).rejects.toThrow(/FOREIGN KEY constraint failed/);
    expect(committed()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    // The connection is usable again: the next batch commits.
    const next = commits.run(() => insert.run("b", "1"));
    release();
    await expect(next).resolves.toMatchObject({ changes: 1 });
    expect(committed()).toEqual(["b"]);
  });

  it("writes queued while a batch is written go to the next batch", async () => {
    const { commits, insert, committed, release, held } = setup();
    const first = commits.run(() => insert.run("a", "1"));
    release();
    await first;
    const second = commits.run(() => insert.run("b", "1"));
    const third = commits.run(() => insert.run("c", "1"));
    expect(held).toHaveLength(1);
    release();
    await Promise.all([second, third]);
    expect(committed()).toEqual(["a", "b", "c"]);
    expect(commits.stats()).toEqual({ transactions: 2, writes: 3 });
  });

  it("by default, writes made in one event-loop turn are written at its end", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "fairway-group-commit-")), "test.db");
    const db = new Database(path);
    opened.push(db);
    db.exec("CREATE TABLE items (id TEXT PRIMARY KEY)");
    const commits = new GroupCommit(db);
    const insert = db.prepare("INSERT INTO items (id) VALUES (?)");
    await Promise.all(["a", "b", "c", "d"].map((id) => commits.run(() => insert.run(id))));
    expect(commits.stats()).toEqual({ transactions: 1, writes: 4 });
  });
});

describe("GroupCommit with a durable sync (synchronous: full)", () => {
  /** A group commit whose flushes and fsyncs the test runs by hand. */
  const durable = () => {
    const { db, committed } = setup();
    const syncs: Array<(error: Error | null) => void> = [];
    const held: Array<() => void> = [];
    const commits = new GroupCommit(db, {
      schedule: (flush) => held.push(flush),
      sync: (done) => syncs.push(done),
    });
    return { db, committed, commits, syncs, held };
  };

  it("no caller resumes before the fsync that covers its COMMIT returns; a failed fsync fails them", async () => {
    const { db, committed, commits, syncs, held } = durable();
    const insert = db.prepare("INSERT INTO items (id, value) VALUES (?, ?)");
    const first = track(commits.run(() => insert.run("a", "1")));
    for (const flush of held.splice(0)) flush();
    // Committed (another connection sees it) but not yet on disk: the caller waits, even after a later
    // batch (a read, which needs no fsync) has been answered.
    expect(committed()).toEqual(["a"]);
    const later = commits.read(() => committed());
    for (const flush of held.splice(0)) flush();
    expect(await later).toEqual(["a"]);
    expect(first.settled).toBe(false);
    expect(syncs).toHaveLength(1);
    syncs.shift()?.(null);
    await first.done;
    expect(first).toMatchObject({ settled: true, value: { changes: 1 } });

    const second = commits.run(() => insert.run("b", "1"));
    for (const flush of held.splice(0)) flush();
    syncs.shift()?.(new StoreError("fsync failed", { retryable: false }));
    await expect(second).rejects.toThrow("fsync failed");
  });

  it("a batch of reads only needs no fsync; a read batched with writes resumes with them, after it", async () => {
    const { db, commits, syncs, held } = durable();
    const insert = db.prepare("INSERT INTO items (id, value) VALUES (?, ?)");
    const count = db.prepare("SELECT count(*) AS n FROM items");
    const alone = track(commits.read(() => count.get()));
    for (const flush of held.splice(0)) flush();
    await alone.done;
    expect(syncs).toHaveLength(0);
    expect(alone).toMatchObject({ settled: true, value: { n: 0 } });

    const write = track(commits.run(() => insert.run("a", "1")));
    const read = track(commits.read(() => count.get()));
    for (const flush of held.splice(0)) flush();
    // A read-only batch after it is answered at once; these two wait for their batch's fsync.
    const later = commits.read(() => count.get());
    for (const flush of held.splice(0)) flush();
    await later;
    expect(syncs).toHaveLength(1);
    expect([write.settled, read.settled]).toEqual([false, false]);
    syncs.shift()?.(null);
    await Promise.all([write.done, read.done]);
    expect(read).toMatchObject({ settled: true, value: { n: 1 } });
    expect(write.settled).toBe(true);
  });

  it("a write that needs no fsync of its own (a claim) resumes at its COMMIT; batched with writes, after their fsync", async () => {
    const { db, committed, commits, syncs, held } = durable();
    const insert = db.prepare("INSERT INTO items (id, value) VALUES (?, ?)");
    const claim = track(commits.runUnsynced(() => insert.run("lease", "1").changes));
    for (const flush of held.splice(0)) flush();
    await claim.done;
    expect(syncs).toHaveLength(0);
    expect(claim).toMatchObject({ settled: true, value: 1 });
    expect(committed()).toEqual(["lease"]);

    const write = track(commits.run(() => insert.run("a", "1")));
    const second = track(commits.runUnsynced(() => insert.run("lease2", "1").changes));
    for (const flush of held.splice(0)) flush();
    // It shares a batch with a write that needs the fsync: it waits for it too (it might see that write).
    const later = commits.read(() => committed());
    for (const flush of held.splice(0)) flush();
    expect(await later).toEqual(["a", "lease", "lease2"]);
    expect([write.settled, second.settled]).toEqual([false, false]);
    syncs.shift()?.(null);
    await Promise.all([write.done, second.done]);
    expect(second).toMatchObject({ settled: true, value: 1 });
  });

  it("writes that arrive during an fsync wait for it, then share one COMMIT and the next fsync", async () => {
    const { db, commits, committed, syncs, held } = durable();
    const insert = db.prepare("INSERT INTO items (id, value) VALUES (?, ?)");
    const count = db.prepare("SELECT count(*) AS n FROM items");
    const first = track(commits.run(() => insert.run("a", "1")));
    for (const flush of held.splice(0)) flush();
    expect(syncs).toHaveLength(1);
    // A read is not held while no write waits ahead of it.
    const read = commits.read(() => committed());
    expect(held).toHaveLength(1);
    for (const flush of held.splice(0)) flush();
    expect(await read).toEqual(["a"]);
    // Three turns' worth of writes (and a read behind them) while that fsync runs: nothing is scheduled or written.
    const during = ["b", "c", "d"].map((id) => track(commits.run(() => insert.run(id, "1").changes)));
    const readAfter = track(commits.read(() => count.get()));
    expect(held).toHaveLength(0);
    expect(committed()).toEqual(["a"]);

    syncs.shift()?.(null);
    await first.done;
    expect(first.settled).toBe(true);
    // The fsync returned: one flush is scheduled for everything held, in one transaction.
    expect(held).toHaveLength(1);
    for (const flush of held.splice(0)) flush();
    expect(committed()).toEqual(["a", "b", "c", "d"]);
    // Transactions: "a"; the first read; "b", "c", "d" and the read behind them (reads count as writes here).
    expect(commits.stats()).toEqual({ transactions: 3, writes: 6 });
    // Committed, but their callers wait for the fsync that covers that COMMIT.
    expect([...during, readAfter].some((write) => write.settled)).toBe(false);
    expect(syncs).toHaveLength(1);
    syncs.shift()?.(null);
    await Promise.all([...during, readAfter].map((write) => write.done));
    expect(during.map((write) => write.value)).toEqual([1, 1, 1]);
    expect(readAfter.value).toEqual({ n: 4 });
    // Nothing in flight: the next write is scheduled at once.
    const next = commits.run(() => insert.run("e", "1"));
    expect(held).toHaveLength(1);
    for (const flush of held.splice(0)) flush();
    syncs.shift()?.(null);
    await next;
  });

  it("drain writes held writes without waiting for the fsync in flight", async () => {
    const { db, commits, committed, syncs } = durable();
    const insert = db.prepare("INSERT INTO items (id, value) VALUES (?, ?)");
    const first = commits.run(() => insert.run("a", "1"));
    commits.flush();
    const second = commits.run(() => insert.run("b", "1"));
    await commits.drain();
    expect(committed()).toEqual(["a", "b"]);
    for (const done of syncs.splice(0)) done(null);
    await Promise.all([first, second]);
  });
});

describe("GroupCommit.runSliced", () => {
  it("runs one slice per event-loop turn in one transaction; writes queued behind it wait for its COMMIT", async () => {
    const { commits, insert, committed, release } = setup();
    const order: string[] = [];
    let turns = 0;
    const countTurns = () => {
      turns++;
      if (turns < 100) setImmediate(countTurns);
    };
    const before = commits.run(() => insert.run("a", "before"));
    const sliced = commits.runSliced(
      ["s1", "s2", "s3"].map((id) => () => {
        order.push(`${id} at turn ${turns}, committed ${committed().join(",")}`);
        return insert.run(id, "slice").changes;
      }),
    );
    const after = commits.run(() => insert.run("z", "after"));
    setImmediate(countTurns);
    release();
    await expect(before).resolves.toMatchObject({ changes: 1 });
    const waiting = track(after);
    await expect(sliced).resolves.toEqual([1, 1, 1]);
    // The write queued after the sliced one waited for its COMMIT; its own batch is scheduled only then.
    expect(waiting.settled).toBe(false);
    expect(committed()).toEqual(["a", "s1", "s2", "s3"]);
    release();
    await after;
    expect(committed()).toEqual(["a", "s1", "s2", "s3", "z"]);
    // Each slice ran in a later turn than the one before, and none was visible before the COMMIT.
    const turnOf = order.map((line) => Number(/at turn (\d+)/.exec(line)?.[1]));
    expect(turnOf[1]).toBeGreaterThan(turnOf[0] as number);
    expect(turnOf[2]).toBeGreaterThan(turnOf[1] as number);
    expect(order.every((line) => line.endsWith("committed a"))).toBe(true);
    expect(commits.stats()).toEqual({ transactions: 3, writes: 3 });
  });

  it("a slice that throws rolls back every slice; the queue goes on", async () => {
    const { commits, insert, committed, release } = setup();
    const sliced = commits.runSliced([
      () => insert.run("s1", "slice"),
      () => insert.run("s1", "duplicate"),
      () => insert.run("s3", "slice"),
    ]);
    const after = commits.run(() => insert.run("z", "after"));
    release();
    await expect(sliced).rejects.toThrow(/UNIQUE constraint failed/);
    release();
    await expect(after).resolves.toMatchObject({ changes: 1 });
    expect(committed()).toEqual(["z"]);
  });

  it("drain waits for a sliced write in progress and what is queued behind it", async () => {
    const { commits, insert, committed, release } = setup();
    const sliced = commits.runSliced([() => insert.run("s1", "1"), () => insert.run("s2", "2")]);
    release();
    const after = commits.run(() => insert.run("z", "after"));
    await commits.drain();
    expect(committed()).toEqual(["s1", "s2", "z"]);
    await Promise.all([sliced, after]);
  });
});
