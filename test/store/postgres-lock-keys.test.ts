import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Statement } from "../../src/store/postgres/postgres-database.js";
import { statements } from "../../src/store/postgres/statements.js";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../helpers/postgres.js";

/**
 * Every advisory lock the store takes is keyed by its schema (`current_schema()`): apps in two schemas of one
 * database never wait for each other's locks, while two transactions of one schema still do. Each case holds a
 * lock in a transaction on schema `a`, then takes the lock that must conflict with it under a `lock_timeout`:
 * on schema `b` it is granted at once, on schema `a` it times out (SQLSTATE 55P03).
 */
const cases: Array<{ lock: string; hold: [Statement, unknown[]]; take: [Statement, unknown[]] }> = [
  {
    lock: "an event name (registerWait's exclusive lock against an accept's shared one)",
    hold: [statements.lockEventName, ["order/paid"]],
    take: [statements.lockEventNamesShared, [["order/paid"]]],
  },
  {
    lock: "a run's event consumption",
    hold: [statements.lockRunEvents, ["run-1"]],
    take: [statements.lockRunEvents, ["run-1"]],
  },
  {
    lock: "an admission scope (rate limit, idempotency, singleton)",
    hold: [statements.lockAdmissionScopes, [["rateLimit:fn:k"]]],
    take: [statements.lockAdmissionScopes, [["rateLimit:fn:k"]]],
  },
  {
    lock: "a debounce or batch entry",
    hold: [statements.lockFlowKeys, [["fn/debounce/k"]]],
    take: [statements.lockFlowKeys, [["fn/debounce/k"]]],
  },
  {
    lock: "a concurrency slot scope",
    hold: [statements.lockSlotScopes, [["fn:fn"]]],
    take: [statements.lockSlotScopes, [["fn:fn"]]],
  },
];

const a = uniqueSchema("locka");
const b = uniqueSchema("lockb");
const clients: pg.Client[] = [];

/** A connection whose schema is `schema`, in a transaction that gives up on a lock after 300 ms. */
async function inTransaction(schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  clients.push(client);
  await client.connect();
  await client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`);
  await client.query("BEGIN");
  await client.query("SET LOCAL lock_timeout = '300ms'");
  return client;
}

const run = (client: pg.Client, [statement, values]: [Statement, unknown[]]) =>
  client.query(statement.text, values);

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(a)}; CREATE SCHEMA ${pg.escapeIdentifier(b)}`);
  await admin.end();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end()));
  await Promise.all([dropSchema(a), dropSchema(b)]);
});

describe("PostgreSQL store: advisory locks are per schema", () => {
  it.each(cases)(
    "$lock: another schema takes it at once, the same schema waits for it",
    async ({ hold, take }) => {
      const holder = await inTransaction(a);
      await run(holder, hold);
      const otherSchema = await inTransaction(b);
      await expect(run(otherSchema, take)).resolves.toBeDefined();
      const sameSchema = await inTransaction(a);
      await expect(run(sameSchema, take)).rejects.toMatchObject({ code: "55P03" });
      await Promise.all([holder, otherSchema, sameSchema].map((client) => client.query("ROLLBACK")));
    },
  );
});
