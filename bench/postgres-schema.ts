/**
 * Fresh PostgreSQL schemas for the S1 benches: a store URL per scenario (`?schema=`, the store creates it)
 * and its removal afterwards.
 */
import pg from "pg";

/** The benches' server: `DATABASE_URL`, default the local test database. */
export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
let schemas = 0;

/** A store URL on `DATABASE_URL` with a schema of its own, `<prefix>_<pid>_<n>`. */
export function freshSchemaUrl(prefix: string): string {
  const url = new URL(DATABASE_URL);
  url.searchParams.set("schema", `${prefix}_${process.pid}_${schemas++}`);
  return url.toString();
}

/** Drops the schema named by a store URL's `?schema=` (and everything in it); nothing without one. */
export async function dropSchemaOf(location: string): Promise<void> {
  const schema = new URL(location).searchParams.get("schema");
  if (!schema) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
