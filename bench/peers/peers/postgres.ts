import pg from "pg";
import { POSTGRES_URL } from "./peer.js";

/** The URL of database `name` on the benchmark's server, created first when missing. */
export async function ensureDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: `${POSTGRES_URL}/postgres` });
  await admin.connect();
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // Another process created it between the check and here (42P04 duplicate_database).
        if ((error as { code?: string }).code !== "42P04") throw error;
      }
    }
  } finally {
    await admin.end();
  }
  return `${POSTGRES_URL}/${name}`;
}

/** Drops `schema` (and everything in it) from the database at `url`. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
