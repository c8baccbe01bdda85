import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { TEST_DATABASE_URL, TEST_SCHEMA_RUN } from "./helpers/postgres.js";

/**
 * Points every test worker (and the child processes tests start) at one temporary folder for this run,
 * through TMPDIR (which `os.tmpdir()` reads), and removes it when the run ends: SQLite files, crash-test
 * folders and app fixtures never pile up in the machine's /tmp. Likewise names this run's PostgreSQL
 * schemas (`FAIRWAY_TEST_RUN`, see `uniqueSchema`) and drops any a test left behind (an app never closed).
 */
export default function setup(): () => Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "fairway-test-run-"));
  process.env.TMPDIR = root;
  const run = randomBytes(4).toString("hex");
  process.env[TEST_SCHEMA_RUN] = run;
  return async () => {
    rmSync(root, { recursive: true, force: true });
    await dropRunSchemas(run).catch(() => undefined); // no database: nothing was created
  };
}

async function dropRunSchemas(run: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)",
      [`fw_test_${run}_`],
    );
    for (const { name } of rows)
      await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(name)} CASCADE`);
  } finally {
    await client.end();
  }
}
