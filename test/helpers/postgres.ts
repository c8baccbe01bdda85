import pg from "pg";
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
 * A PostgresStore on a fresh schema of the test database; `close()` also drops the schema (every store on
 * it must be closed first, or the drop waits for their locks).
 */
export function testPostgresStore(options: PostgresStoreOptions & { schema?: string } = {}): PostgresStore {
  const schema = options.schema ?? uniqueSchema();
  const store = new PostgresStore({
    connectionString: TEST_DATABASE_URL,
    maxConnections: 4,
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

/**
 * `store` with its calls counted, and `idle()`, which resolves once no call is in flight after a few
 * event-loop turns: a FakeClock's `idle` hook, so advancing the clock waits for the engine's PostgreSQL
 * round trips as it waits for SQLite's synchronous ones.
 */
export function trackStore<S extends Store>(store: S): { store: S; idle: () => Promise<void> } {
  let inFlight = 0;
  const waiters: Array<() => void> = [];
  const done = () => {
    inFlight--;
    if (inFlight === 0) for (const wake of waiters.splice(0)) wake();
  };
  const tracked = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        inFlight++;
        return result.finally(done);
      };
    },
  });
  const turns = async () => {
    for (let turn = 0; turn < 5; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const idle = async () => {
    for (;;) {
      await turns();
      if (inFlight === 0) return;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  trackedIdles.add(idle);
  return { store: tracked, idle };
}

/** The `idle` of every store `trackStore` made in this test process. */
const trackedIdles = new Set<() => Promise<void>>();

/** Resolves once no tracked store has a call in flight (see `trackStore`); at once when there is none. */
export async function trackedStoresIdle(): Promise<void> {
  for (const idle of trackedIdles) await idle();
}

/** Where a durable test app keeps its state, reopened by each "process" of a restart test. */
export interface DurableLocation {
  /** A store on the location (a SQLite path, or a new PostgresStore on the same schema) and its clock hook. */
  open(): { store: Store | string; idle?: () => Promise<void> };
  /** Closes what `open` made and removes the location. */
  remove(): Promise<void>;
}

/** A fresh location of `kind`: a SQLite file in `dir`, or a PostgreSQL schema of the test database. */
export function durableLocation(kind: "sqlite" | "postgres", dir: string): DurableLocation {
  if (kind === "sqlite") return { open: () => ({ store: `${dir}/fairway.db` }), remove: async () => {} };
  const schema = uniqueSchema();
  const opened: Store[] = [];
  return {
    open() {
      const tracked = trackStore(
        new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 }),
      );
      opened.push(tracked.store);
      return tracked;
    },
    async remove() {
      for (const store of opened) await store.close();
      await dropSchema(schema);
    },
  };
}

/** A new "process" on `location`: a store on it and a fake clock from `at` that waits for the store's I/O. */
export function openProcess(
  location: DurableLocation,
  at?: number,
): { store: Store | string; clock: FakeClock } {
  const { store, idle } = location.open();
  return { store, clock: new FakeClock(at, { idle }) };
}
