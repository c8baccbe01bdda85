import pg from "pg";
import { PostgresStore, type PostgresStoreOptions } from "../../src/store/postgres/index.js";

/** The test server (`.ci/run` and `npm test`'s pretest make sure it is up): trust auth, database `test`. */
export const TEST_DATABASE_URL =
  process.env.FAIRWAY_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let counter = 0;

/** A schema name no other test (or test process) uses. */
export function uniqueSchema(prefix = "fw_test"): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
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
