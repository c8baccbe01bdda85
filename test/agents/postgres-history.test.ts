import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { postgresHistory, type ThreadStore } from "../../src/agents/history/index.js";
import { ConfigError, StoreConnectionError } from "../../src/errors/index.js";
import { connectionsOpened, dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../helpers/postgres.js";

describe("postgresHistory: the pool it opens", () => {
  const opened: Array<{ history: ThreadStore; schema: string }> = [];
  let made = 0;
  afterEach(async () => {
    for (const { history, schema } of opened.splice(0)) {
      await history.close();
      await dropSchema(schema);
    }
  });

  /** A history on a fresh schema whose connections show as a name of their own in `pg_stat_activity`. */
  async function history(options: { maxConnections?: number }) {
    const schema = uniqueSchema("history");
    const applicationName = `fw_history_${process.pid}_${Date.now().toString(36)}_${made++}`;
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set("application_name", applicationName);
    const store = postgresHistory({ connectionString: url.href, schema, ...options });
    opened.push({ history: store, schema });
    await store.ready();
    return { store, schema, applicationName };
  }

  /** Connections opened for 10 reads that each wait for the messages table. */
  const opens = ({ store, schema, applicationName }: Awaited<ReturnType<typeof history>>) =>
    connectionsOpened({
      table: `${pg.escapeIdentifier(schema)}.fairway_thread_messages`,
      applicationName,
      call: () => store.getThread("user-1", "thread-1"),
      calls: 10,
    });

  it("holds at most 4 connections by default, as PostgresStore's pool, however many reads wait", async () => {
    expect(await opens(await history({}))).toBe(4);
  });

  it("holds at most maxConnections", async () => {
    expect(await opens(await history({ maxConnections: 2 }))).toBe(2);
  });
});

describe("postgresHistory: bad options are ConfigErrors naming the field", () => {
  it.each([0, 1.5, 262_144, Number.NaN, "4"])("maxConnections %s", (maxConnections) => {
    expect(() =>
      postgresHistory({ connectionString: TEST_DATABASE_URL, maxConnections: maxConnections as number }),
    ).toThrow(
      /^maxConnections: must be an integer from 1 to 262143 \(PostgreSQL's largest max_connections\)/,
    );
  });

  it("maxConnections with a pool of yours: its max is yours to set", async () => {
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL });
    try {
      const error = (() => {
        try {
          postgresHistory({ pool, maxConnections: 2 });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(
        "maxConnections: sizes the pool postgresHistory opens; with your own `pool`, set its `max` instead",
      );
    } finally {
      await pool.end();
    }
  });

  it("an unknown field lists the known ones", () => {
    expect(() => postgresHistory({ connectionString: TEST_DATABASE_URL, maxConnection: 2 } as never)).toThrow(
      "maxConnection: is not a known field (known: pool, connectionString, maxConnections, schema, now)",
    );
  });
});

describe("postgresHistory: its connections, as the PostgreSQL store's", () => {
  it('show as "fairway" in pg_stat_activity when the URL names no application', async () => {
    const schema = uniqueSchema("history");
    const history = postgresHistory({ connectionString: TEST_DATABASE_URL, schema });
    const locker = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await locker.connect();
    try {
      await history.ready();
      const pid = (await locker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid;
      await locker.query("BEGIN");
      await locker.query(
        `LOCK TABLE ${pg.escapeIdentifier(schema)}.fairway_thread_messages IN ACCESS EXCLUSIVE MODE`,
      );
      const read = history.getThread("user-1", "thread-1");
      let blocked: string[] = [];
      while (blocked.length === 0)
        blocked = (
          await locker.query<{ application_name: string }>(
            "SELECT application_name FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
            [pid],
          )
        ).rows.map((row) => row.application_name);
      await locker.query("COMMIT");
      await read;
      expect(blocked).toEqual(["fairway"]);
    } finally {
      await locker.end();
      await history.close();
      await dropSchema(schema);
    }
  });

  it("a database that does not exist is a StoreConnectionError naming the URL (no password) and the fix", async () => {
    const missing = new URL(TEST_DATABASE_URL);
    missing.password = "not-to-be-printed";
    missing.pathname = `/fairway_missing_${process.pid}`;
    const database = missing.pathname.slice(1);
    const shown = new URL(missing.href);
    shown.password = "***";
    const history = postgresHistory({ connectionString: missing.href });
    try {
      const error = await history.ready().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreConnectionError);
      expect(error).toMatchObject({
        code: "store_connection_refused",
        retryable: false,
        sqlState: "3D000",
        source: "postgresHistory",
        url: shown.href,
        message:
          `PostgreSQL database "${database}" does not exist (${shown.href}): create it (\`createdb ${database}\`) ` +
          "or point the `connectionString` of `postgresHistory({ ... })` at a database that exists",
      });
      expect((error as Error).message).not.toContain("not-to-be-printed");
      await expect(history.listThreads("user-1")).rejects.toBeInstanceOf(StoreConnectionError);
    } finally {
      await history.close();
    }
  });
});
