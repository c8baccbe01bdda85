import type pg from "pg";
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors/index.js";
import { PostgresDatabase, type Statement } from "../../src/store/postgres/postgres-database.js";

const code = (value: string, message = value) => Object.assign(new Error(message), { code: value });

/**
 * A pool whose connections answer from `script`: each query (by its text) is passed to `answer`, which
 * returns rows or throws. Records the queries, connects and how each client was released.
 */
function fakePool(options: { connectFailures?: Error[]; answer: (text: string, call: number) => unknown[] }) {
  const failures = [...(options.connectFailures ?? [])];
  const log: string[] = [];
  const released: Array<Error | undefined> = [];
  let calls = 0;
  const pool = {
    async connect() {
      const failure = failures.shift();
      if (failure) throw failure;
      return {
        on() {},
        off() {},
        async query(config: { text: string } | string) {
          const text = typeof config === "string" ? config : config.text;
          log.push(text);
          return { rows: options.answer(text, calls++) };
        },
        release(error?: Error) {
          released.push(error);
        },
      };
    },
  } as unknown as pg.Pool;
  return { pool, log, released };
}

function database(pool: pg.Pool, attempts = 4) {
  const waits: number[] = [];
  const db = new PostgresDatabase(pool, { attempts, minDelayMs: 10, maxDelayMs: 40 }, async (ms) => {
    waits.push(ms);
  });
  return { db, waits };
}

const read: Statement = { name: "fw_get", text: "SELECT 1", idempotent: true };
const claim: Statement = { name: "fw_claim", text: "UPDATE claim" };

describe("PostgresDatabase retries", () => {
  it("retries a failed connect with capped, growing backoff, then succeeds", async () => {
    const refused = code("ECONNREFUSED");
    const { pool } = fakePool({ connectFailures: [refused, refused, refused], answer: () => [{ x: 1 }] });
    const { db, waits } = database(pool);
    await expect(db.query(read)).resolves.toEqual([{ x: 1 }]);
    expect(waits).toHaveLength(3);
    waits.forEach((wait, index) => {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(Math.min(40, 10 * 2 ** index));
    });
  });

  it("gives up after the configured tries with a retryable StoreError", async () => {
    const refused = code("ECONNREFUSED");
    const { pool } = fakePool({ connectFailures: [refused, refused], answer: () => [] });
    const { db, waits } = database(pool, 2);
    const error = await db.query(read).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ retryable: true, code: "store_failed" });
    expect((error as Error).message).toMatch(
      /fw_get failed: the database is unreachable or busy \(2 tries\)/,
    );
    expect(waits).toHaveLength(1);
  });

  it("names the driver's code once: not again after a message that says it, after one that does not", async () => {
    const refused = code("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5999");
    const reset = code("ECONNRESET", "Connection terminated unexpectedly");
    const { pool } = fakePool({ connectFailures: [refused, reset], answer: () => [] });
    const { db } = database(pool, 1);
    const first = await db.ping().catch((caught: unknown) => caught);
    expect((first as Error).message).toBe(
      "PostgreSQL store: ping failed: the database is unreachable or busy (1 try): connect ECONNREFUSED 127.0.0.1:5999",
    );
    const second = await db.ping().catch((caught: unknown) => caught);
    expect((second as Error).message).toBe(
      "PostgreSQL store: ping failed: the database is unreachable or busy (1 try): Connection terminated unexpectedly (ECONNRESET)",
    );
  });

  it("ping sends SELECT 1 once: a failed connect is reported, not retried", async () => {
    const refused = code("ECONNREFUSED");
    const { pool, log } = fakePool({ connectFailures: [refused], answer: () => [] });
    const { db, waits } = database(pool);
    const error = await db.ping().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "store_failed", retryable: true });
    expect((error as Error).message).toMatch(/ping failed: the database is unreachable or busy \(1 try\)/);
    expect(waits).toEqual([]);
    await expect(db.ping()).resolves.toBeUndefined();
    expect(log).toEqual(["SELECT 1"]);
  });

  it("retries a whole transaction that failed before COMMIT, on a fresh connection", async () => {
    let failed = false;
    const { pool, log, released } = fakePool({
      answer: (text) => {
        if (text === "UPDATE claim" && !failed) {
          failed = true;
          throw new Error("Connection terminated unexpectedly");
        }
        return [{ ok: 1 }];
      },
    });
    const { db } = database(pool);
    let runs = 0;
    const result = await db.transaction("claimRun", async (tx) => {
      runs += 1;
      return tx.query(claim);
    });
    expect(result).toEqual([{ ok: 1 }]);
    expect(runs).toBe(2);
    expect(log).toEqual(["BEGIN", "UPDATE claim", "ROLLBACK", "BEGIN", "UPDATE claim", "COMMIT"]);
    expect(released[0]).toBeInstanceOf(Error); // the broken connection is destroyed, not reused
    expect(released[1]).toBeUndefined();
  });

  it("never retries when the connection drops during COMMIT: the outcome is unknown", async () => {
    const { pool, log } = fakePool({
      answer: (text) => {
        if (text === "COMMIT") throw code("ECONNRESET", "read ECONNRESET");
        return [];
      },
    });
    const { db, waits } = database(pool);
    const error = await db
      .transaction("finishRun", (tx) => tx.query(claim))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toMatch(
      /finishRun failed: the connection dropped after the work was sent/,
    );
    expect(log.filter((text) => text === "BEGIN")).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("retries a dropped idempotent statement but not a dropped claim", async () => {
    let call = 0;
    const dropOnce = () =>
      fakePool({
        answer: () => {
          call += 1;
          if (call === 1) throw code("57P01", "terminating connection due to administrator command");
          return [{ ok: 1 }];
        },
      });
    const first = database(dropOnce().pool);
    await expect(first.db.query(read)).resolves.toEqual([{ ok: 1 }]);
    call = 0;
    const second = database(dropOnce().pool);
    await expect(second.db.query(claim)).rejects.toMatchObject({ retryable: true });
    expect(second.waits).toEqual([]);
  });

  it("retries a claim the server aborted as a deadlock victim: it was rolled back, never applied", async () => {
    let call = 0;
    const { pool } = fakePool({
      answer: () => {
        call += 1;
        if (call === 1) throw code("40P01", "deadlock detected");
        return [{ claimed: 1 }];
      },
    });
    const { db, waits } = database(pool);
    await expect(db.query(claim)).resolves.toEqual([{ claimed: 1 }]);
    expect(call).toBe(2);
    expect(waits).toHaveLength(1);
  });

  it("does not retry a permanent error and says the database refused it", async () => {
    const { pool } = fakePool({
      answer: () => {
        throw code("23505", 'duplicate key value violates unique constraint "runs_pkey"');
      },
    });
    const { db, waits } = database(pool);
    const error = await db.query(read).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ retryable: false, code: "store_failed" });
    expect((error as Error).message).toMatch(/the database refused it: duplicate key .* \(23505\)$/);
    expect(waits).toEqual([]);
  });

  it("says the host was not found for a name that does not resolve, retrying only EAI_AGAIN", async () => {
    const notFound = code("ENOTFOUND", "getaddrinfo ENOTFOUND db.invalid");
    const once = database(fakePool({ connectFailures: [notFound], answer: () => [] }).pool);
    const error = await once.db.query(read).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ retryable: false, code: "store_failed" });
    expect((error as Error).message).toBe(
      "PostgreSQL store: fw_get failed: the database's host was not found: getaddrinfo ENOTFOUND db.invalid",
    );
    expect(once.waits).toEqual([]);
    const again = code("EAI_AGAIN", "getaddrinfo EAI_AGAIN db.example");
    const retried = database(fakePool({ connectFailures: Array(4).fill(again), answer: () => [] }).pool);
    const lasting = await retried.db.query(read).catch((caught: unknown) => caught);
    expect(lasting).toMatchObject({ retryable: true, code: "store_failed" });
    expect((lasting as Error).message).toBe(
      "PostgreSQL store: fw_get failed: the database's host was not found (4 tries): getaddrinfo EAI_AGAIN db.example",
    );
    expect(retried.waits).toHaveLength(3);
  });
});
