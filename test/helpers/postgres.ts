import pg from "pg";
import { Fairway, type FairwayOptions } from "../../src/index.js";
import { PostgresStore, type PostgresStoreOptions } from "../../src/store/postgres/index.js";
import type { Store } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";

/** The test server (`.ci/run` and `npm test`'s pretest make sure it is up): trust auth, database `test`. */
export const TEST_DATABASE_URL =
  process.env.FAIRWAY_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let counter = 0;

/** The environment variable naming this test run (set by `test/global-setup.ts`). */
export const TEST_SCHEMA_RUN = "FAIRWAY_TEST_RUN";

/**
 * A schema name no other test (or test process) uses: `fw_test_<run>_…`, so the run's teardown drops every
 * schema a test left behind.
 */
export function uniqueSchema(label = "s"): string {
  const run = process.env[TEST_SCHEMA_RUN] ?? "norun";
  return `fw_test_${run}_${label}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

/**
 * A monotonic clock that never moves, for stores under a fake clock: the store decides a claim with slots or a
 * throttle at the engine's `now` plus the real time the claim waited in the process (`monotonicClock`), which
 * would make a fake-clock test's starts depend on the machine's load (a throttled start let through 1 ms
 * early under load). Tests of that wait inject a clock of their own.
 */
export const frozenMonotonic = (): number => 0;

/**
 * A PostgresStore on a fresh schema of the test database (its `monotonicClock` frozen unless given); `close()` also drops the schema (every store on
 * it must be closed first, or the drop waits for their locks).
 */
export function testPostgresStore(options: PostgresStoreOptions & { schema?: string } = {}): PostgresStore {
  const schema = options.schema ?? uniqueSchema();
  const store = new PostgresStore({
    connectionString: TEST_DATABASE_URL,
    maxConnections: 4,
    monotonicClock: frozenMonotonic,
    ...options,
    schema,
  });
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await dropSchema(schema);
  };
  return store;
}

/** Drops `schema` and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Where a durable test app keeps its state, reopened by each "process" of a restart test. */
export interface DurableLocation {
  /** A store on the location: a SQLite path, or a new PostgresStore on the same schema. */
  open(): Store | string;
  /** Closes what `open` made and removes the location. */
  remove(): Promise<void>;
}

/** A fresh location of `kind`: a SQLite file in `dir`, or a PostgreSQL schema of the test database. */
export function durableLocation(kind: "sqlite" | "postgres", dir: string): DurableLocation {
  if (kind === "sqlite") return { open: () => `${dir}/fairway.db`, remove: async () => {} };
  const schema = uniqueSchema();
  const opened: Store[] = [];
  return {
    open() {
      const store = new PostgresStore({
        connectionString: TEST_DATABASE_URL,
        schema,
        maxConnections: 2,
        monotonicClock: frozenMonotonic,
      });
      opened.push(store);
      return store;
    },
    async remove() {
      for (const store of opened) await store.close();
      await dropSchema(schema);
    },
  };
}

/** A new "process" on `location`: a store on it and a fake clock from `at`. */
export function openProcess(
  location: DurableLocation,
  at?: number,
): { store: Store | string; clock: FakeClock } {
  return { store: location.open(), clock: new FakeClock(at) };
}

/** Resolves once a backend of the test database waits for a lock while running a statement containing `text`. */
export async function lockWaiter(client: pg.Client, text: string): Promise<void> {
  for (;;) {
    const { rows } = await client.query(
      "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position($1 in query) > 0",
      [text],
    );
    if (rows.length > 0) return;
  }
}

/**
 * Two started Fairway clients, workers `a` and `b` (two pools, as two worker processes have), on `location`
 * and one fake clock; `define` adds the same functions to each. `close` closes both.
 */
export async function twoWorkers(
  location: DurableLocation,
  define: (fairway: Fairway, worker: "a" | "b") => void,
  options: Partial<FairwayOptions> = {},
) {
  const clock = new FakeClock();
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const workers = (["a", "b"] as const).map((name) => {
    const fairway = new Fairway({
      id: "app",
      store: location.open(),
      clock,
      logger: silent,
      // Both workers sweep the schema (events kept only while needed): the decisions must not change.
      retention: { eventsMs: 0 },
      ...options,
    });
    define(fairway, name);
    return fairway;
  });
  await Promise.all(workers.map((fairway) => fairway.start()));
  const [a, b] = workers as [Fairway, Fairway];
  return { a, b, clock, close: () => Promise.all(workers.map((fairway) => fairway.close())) };
}

/**
 * How many connections a pool opens for `calls` calls that each wait for `table`: while an ACCESS EXCLUSIVE
 * lock on it is held, no call ends, so each one sent needs a connection of its own. The calls are sent a
 * round trip apart: a checkout made while a connection is idle waits for it (pg-pool) instead of opening
 * another, and calls sent at once would share the one connection left idle before. Once the lock is
 * released and every call ended, counts the backends named `applicationName` in `pg_stat_activity` (the
 * pool's idle timeout must not have closed any by then).
 */
export async function connectionsOpened(options: {
  table: string;
  applicationName: string;
  call: () => Promise<unknown>;
  calls: number;
}): Promise<number> {
  const locker = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await locker.connect();
  try {
    await locker.query("BEGIN");
    await locker.query(`LOCK TABLE ${options.table} IN ACCESS EXCLUSIVE MODE`);
    const sent: Array<Promise<unknown>> = [];
    for (let n = 0; n < options.calls; n++) {
      sent.push(options.call());
      await locker.query("SELECT 1");
    }
    await locker.query("COMMIT");
    await Promise.all(sent);
    const { rows } = await locker.query(
      "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = $1",
      [options.applicationName],
    );
    return Number(rows[0].n);
  } finally {
    await locker.end();
  }
}
