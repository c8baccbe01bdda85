/**
 * Retention of the tables only a shared (PostgreSQL) store keeps: throttle times, singleton holders,
 * rate-limit/idempotency admissions and concurrency slot rows. For each, a row that can still count is kept
 * and one that cannot is deleted, and the next decision is the one the store made without the sweep; and
 * two stores sweeping one schema at once delete every doomed row exactly once, without failing.
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_ADMISSION_WINDOW_MS } from "../../src/flow/store-admission.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { statements, TURN_MEMORY_MS } from "../../src/store/postgres/statements.js";
import type { RetentionInput, RetentionResult, Store } from "../../src/store/store.js";
import { frozenMonotonic, TEST_DATABASE_URL, testPostgresStore, uniqueSchema } from "../helpers/postgres.js";
import { run, T0 } from "./store.contract.js";

/** Stores opened by a test, closed after it (the schema-dropping one last). */
const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0).reverse()) await store.close();
});

/** Two stores (two pools, as two workers have) on one fresh schema, and the schema's name. */
async function twoStores(): Promise<[Store, Store, string]> {
  const schema = uniqueSchema("retention");
  const first = testPostgresStore({ schema, maxConnections: 2 });
  const second = new PostgresStore({
    connectionString: TEST_DATABASE_URL,
    schema,
    maxConnections: 2,
    monotonicClock: frozenMonotonic,
  });
  opened.push(first, second);
  await Promise.all([first.init(), second.init()]);
  return [first, second, schema];
}

/** A pass that deletes what stopped counting at or before `expiredBefore` (and no event). */
const expired = (expiredBefore: number, batchSize = 100): RetentionInput => ({
  eventsBefore: 0,
  expiredBefore,
  batchSize,
});

describe("PostgreSQL store: retention of the shared flow-control tables", () => {
  it("a throttle time in the past is deleted, a later one kept; the next start is decided as with the row", async () => {
    const [a] = await twoStores();
    const throttle = { scope: "fn:u1", limit: 1, periodMs: 1000, burst: 0 };
    await a.acceptEvents({ now: T0, events: [], runs: [{ run: run("x1") }, { run: run("x2") }] });
    expect(await a.claimRun("x1", "w", T0, 60_000, [], throttle)).toHaveProperty("run");
    // TAT = T0 + 1000: it still refuses a start before then.
    expect((await a.sweepRetention(expired(T0 + 999))).throttles).toBe(0);
    expect(await a.claimRun("x2", "w", T0 + 500, 60_000, [], throttle)).toEqual({
      refused: true,
      scope: throttle.scope,
      retryAt: T0 + 1000,
    });
    // Once past, the row is the same as none: deleted, and the start at T0 + 1000 conforms either way.
    expect((await a.sweepRetention(expired(T0 + 1000))).throttles).toBe(1);
    expect(await a.claimRun("x2", "w", T0 + 1000, 60_000, [], throttle)).toHaveProperty("run");
  });

  it("a singleton holder whose run ended is deleted, an active one kept; the next accept decides as with the row", async () => {
    const [a] = await twoStores();
    const skip = {
      windows: [],
      singleton: { scope: "singleton:fn\u0000k", key: "k", mode: "skip" as const },
    };
    const accept = (id: string) =>
      a.acceptEvents({ now: T0, events: [], runs: [{ run: run(id), admission: skip }] });
    await accept("s1");
    expect((await a.sweepRetention(expired(T0 + 10_000))).singletonHolders).toBe(0);
    expect((await accept("s2")).runs[0]).toMatchObject({ status: "skipped" });
    await a.cancelRun("s1", undefined, T0);
    expect((await a.sweepRetention(expired(T0))).singletonHolders).toBe(1);
    expect((await accept("s3")).runs[0]).toMatchObject({ status: "queued" });
    expect((await accept("s4")).runs[0]).toMatchObject({ status: "skipped" });
  });

  it("admissions older than the longest window are deleted; younger ones still count", async () => {
    const [a] = await twoStores();
    const day = {
      scope: "rateLimit:fn\u0000u1",
      limit: 1,
      periodMs: MAX_ADMISSION_WINDOW_MS,
      reason: "full",
    };
    const accept = (id: string, now: number) =>
      a.acceptEvents({
        now,
        events: [],
        runs: [{ run: run(id, { createdAt: now }), admission: { windows: [day] } }],
      });
    await accept("r1", T0);
    const end = T0 + MAX_ADMISSION_WINDOW_MS;
    expect((await a.sweepRetention(expired(end - 1))).admissions).toBe(0);
    expect((await accept("r2", end - 1)).runs[0]).toMatchObject({ status: "skipped", skipReason: "full" });
    expect((await a.sweepRetention(expired(end))).admissions).toBe(1);
    expect((await accept("r3", end)).runs[0]).toMatchObject({ status: "queued" });
  });

  it("a slot row whose run ended is deleted, a holder's kept; the next claim decides as with the rows", async () => {
    const [a] = await twoStores();
    const slots = [{ scope: "fn:fn", limit: 1 }];
    await a.acceptEvents({ now: T0, events: [], runs: [{ run: run("c1") }, { run: run("c2") }] });
    expect(await a.claimRun("c1", "w", T0, 60_000, slots)).toHaveProperty("run");
    expect((await a.sweepRetention(expired(T0 + 10_000))).slots).toBe(0);
    expect(await a.claimRun("c2", "w2", T0 + 1, 60_000, slots)).toEqual({ refused: true, scope: "fn:fn" });
    await a.finishRun({ runId: "c1", owner: "w", status: "completed", endedAt: T0 + 2 });
    expect((await a.sweepRetention(expired(T0))).slots).toBe(1);
    expect(await a.claimRun("c2", "w2", T0 + 3, 60_000, slots)).toHaveProperty("run");
  });

  it("a turn that neither waits nor was served within TURN_MEMORY_MS is deleted; one that waits is kept", async () => {
    const [a] = await twoStores();
    const one = [{ scope: "fn:fn", limit: 1 }];
    const heavy = (id: string) => run(id, { backlogKey: "fn\u0000heavy" });
    await a.acceptEvents({
      now: T0,
      events: [],
      runs: [{ run: heavy("h1") }, { run: heavy("h2") }, { run: run("l1", { backlogKey: "fn\u0000light" }) }],
    });
    // The light backlog is served first, then the heavy one; the light one's turn is older.
    expect(await a.claimRun("l1", "w", T0, 60_000, one)).toHaveProperty("run");
    await a.finishRun({ runId: "l1", owner: "w", status: "completed", endedAt: T0 + 1 });
    expect(await a.claimRun("h1", "w", T0 + 2, 3_600_000, one)).toHaveProperty("run");
    const later = T0 + 2 + TURN_MEMORY_MS;
    expect((await a.sweepRetention(expired(later))).turns).toBe(1);
    // h2 is refused while h1 holds the slot: its backlog waits, and its turn (served at T0 + 2) is kept while
    // it waits (2 s), then goes.
    expect(await a.claimRun("h2", "w", later, 60_000, one)).toEqual({ refused: true, scope: "fn:fn" });
    expect((await a.sweepRetention(expired(later + 1000))).turns).toBe(0);
    expect((await a.sweepRetention(expired(later + 2000))).turns).toBe(1);
  });

  it("a batch of runs deletes the oldest whose runs and steps fit in the batch size, at least one", async () => {
    const [a, , schema] = await twoStores();
    await a.acceptEvents({ now: T0, events: [], runs: ["r1", "r2", "r3"].map((id) => ({ run: run(id) })) });
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${schema}`);
      // r1 ended first with 5 steps, r2 and r3 then with 1 each.
      await client.query(`UPDATE runs SET status = 'completed', ready_at = NULL,
        ended_at = ${T0} + CAST(substr(id, 2) AS int)`);
      await client.query(`INSERT INTO steps (run_id, id, name, op, status, position, attempts, started_at)
        SELECT 'r1', 's' || j, 's', 'run', 'completed', j, 1, ${T0} FROM generate_series(1, 5) j
        UNION ALL SELECT r, 's', 's', 'run', 'completed', 0, 1, ${T0} FROM unnest(ARRAY['r2', 'r3']) r`);
      const batch = async () =>
        (await client.query(statements.deleteEndedRuns.text, [T0 + 10, 4])).rows[0] as Record<string, number>;
      // 6 rows > 4, but the first run goes whole; then r2 (2 rows) and r3 (2 rows) fit in one batch.
      expect(await batch()).toEqual({ examined: 3, runs: 1, steps: 5 });
      expect(await batch()).toEqual({ examined: 2, runs: 2, steps: 2 });
      expect(await batch()).toEqual({ examined: 0, runs: 0, steps: 0 });
    } finally {
      await client.end();
    }
  });

  it("two stores sweeping one schema at once delete every doomed row once, keep the rest, and neither fails", async () => {
    const [a, b, schema] = await twoStores();
    const n = 1200;
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${schema}`);
      const seed = [
        `INSERT INTO events (id, name, data, ts, received_at)
         SELECT 'old' || i, 'e', '{}', ${T0}, ${T0} FROM generate_series(1, ${n}) i`,
        `INSERT INTO events (id, name, data, ts, received_at) VALUES ('young', 'e', '{}', ${T0 + 100}, ${T0 + 100})`,
        `INSERT INTO dedup (function_id, key, expires_at)
         SELECT 'fn', 'k' || i, ${T0} - i FROM generate_series(1, ${n}) i`,
        `INSERT INTO dedup (function_id, key, expires_at) VALUES ('fn', 'live', ${T0 + 100})`,
        `INSERT INTO throttles (scope, tat) SELECT 't' || i, ${T0} - i FROM generate_series(1, ${n}) i`,
        `INSERT INTO throttles (scope, tat) VALUES ('t-live', ${T0 + 100})`,
        `INSERT INTO run_admissions (scope, at, run_id)
         SELECT 'rateLimit:fn', ${T0 - MAX_ADMISSION_WINDOW_MS} - i, 'r' || i FROM generate_series(1, ${n}) i`,
        `INSERT INTO run_admissions (scope, at, run_id) VALUES ('rateLimit:fn', ${T0}, 'r-live')`,
        `INSERT INTO runs (id, function_id, status, event_ids, events, created_at, ended_at, event_seq, backlog_key)
         SELECT 'ended' || i, 'fn', 'completed', '[]', '[]', ${T0}, ${T0} - i, 0, 'fn' FROM generate_series(1, ${n}) i`,
        `INSERT INTO steps (run_id, id, name, op, status, position, attempts, started_at)
         SELECT 'ended' || i, 's' || j, 's', 'run', 'completed', j, 1, ${T0}
         FROM generate_series(1, ${n}) i, generate_series(1, 2) j`,
        `INSERT INTO usage (id, run_id, function_id, tenant_key, model, at, input_tokens, output_tokens)
         SELECT 'u' || i, 'ended' || i, 'fn', 't', 'm', ${T0} - i, 1, 1 FROM generate_series(1, ${n}) i`,
        `INSERT INTO usage (id, run_id, function_id, tenant_key, model, at, input_tokens, output_tokens)
         VALUES ('u-live', 'live', 'fn', 't', 'm', ${T0}, 1, 1)`,
        `INSERT INTO runs (id, function_id, status, event_ids, events, created_at, ready_at, event_seq, backlog_key)
         VALUES ('live', 'fn', 'queued', '[]', '[]', ${T0}, ${T0}, ${n + 1}, 'fn')`,
        `INSERT INTO singleton_holders (scope, run_id) SELECT 'singleton:' || i, 'ended' || i FROM generate_series(1, ${n}) i`,
        `INSERT INTO singleton_holders (scope, run_id) VALUES ('singleton:live', 'live'), ('singleton:gone', 'gone')`,
        `INSERT INTO run_slots (scope, run_id) SELECT 'fn:fn', 'ended' || i FROM generate_series(1, ${n}) i`,
        `INSERT INTO run_slots (scope, run_id) VALUES ('fn:fn', 'live'), ('fn:fn', 'gone')`,
        `INSERT INTO scope_turns (scope, backlog_key, served_at, waiting_until)
         SELECT 'fn:fn', 'b' || i, ${T0} - 600000 - i, 0 FROM generate_series(1, ${n}) i`,
        `INSERT INTO scope_turns (scope, backlog_key, served_at, waiting_until) VALUES ('fn:fn', 'waiting', 0, ${T0 + 100})`,
      ];
      for (const statement of seed) await client.query(statement);
      const pass = {
        eventsBefore: T0 + 100,
        expiredBefore: T0,
        runsBefore: T0,
        usageBefore: T0,
        batchSize: 100,
      };
      const [first, second] = await Promise.all([a.sweepRetention(pass), b.sweepRetention(pass)]);
      // Slot rows and holders of a run that is gone ("gone": deleted, here never written) go too.
      const expected: RetentionResult = {
        ...{ events: n, dedup: n, throttles: n, admissions: n, turns: n, runs: n, steps: 2 * n, usage: n },
        ...{ singletonHolders: n + 1, slots: n + 1 },
      };
      for (const [kind, rows] of Object.entries(expected) as Array<[keyof RetentionResult, number]>)
        expect(first[kind] + second[kind], kind).toBe(rows);
      const left = await client.query(`SELECT
          (SELECT string_agg(id, ',') FROM events) AS events, (SELECT string_agg(key, ',') FROM dedup) AS dedup,
          (SELECT string_agg(scope, ',') FROM throttles) AS throttles,
          (SELECT string_agg(run_id, ',') FROM run_admissions) AS admissions,
          (SELECT string_agg(run_id, ',') FROM singleton_holders) AS holders,
          (SELECT string_agg(run_id, ',') FROM run_slots) AS slots,
          (SELECT string_agg(backlog_key, ',') FROM scope_turns) AS turns,
          (SELECT string_agg(id, ',') FROM runs) AS runs, (SELECT COUNT(*)::int FROM steps) AS steps,
          (SELECT string_agg(id, ',') FROM usage) AS usage`);
      expect(left.rows[0]).toEqual({
        events: "young",
        dedup: "live",
        throttles: "t-live",
        admissions: "r-live",
        holders: "live",
        slots: "live",
        turns: "waiting",
        runs: "live",
        steps: 0,
        usage: "u-live",
      });
    } finally {
      await client.end();
    }
  });
});
