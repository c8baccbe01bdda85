import type pg from "pg";
import { ConfigError } from "../../errors/config-error.js";
import { fieldsOf, knownFields } from "../../flow/config/validate.js";
import { importPeer } from "../../peers/import-peer.js";
import { FALLBACK_APPLICATION_NAME, printableUrl, refusedConnection } from "../../peers/pg-connection.js";
import { checkMaxConnections, DEFAULT_MAX_CONNECTIONS } from "../../peers/pg-pool-size.js";
import { threadMigrations } from "./thread-schema.js";
import {
  type ThreadRecord,
  type ThreadStorage,
  type ThreadStore,
  type ThreadSummary,
  threadStore,
} from "./thread-store.js";

const migrations = threadMigrations({ serial: "BIGSERIAL PRIMARY KEY", bigint: "BIGINT", json: "JSON" });

/** Options of `postgresHistory`: a pool, or a connection string for a pool it owns. */
export interface PostgresHistoryOptions {
  /** A pool of yours to run on (its size is yours: `max`); `close()` leaves it open. */
  pool?: pg.Pool;
  /** `postgres://user:password@host:5432/database` for the pool it opens (and ends on `close()`). */
  connectionString?: string;
  /**
   * Most connections the pool it opens holds, an integer from 1 to 262143 (PostgreSQL's largest
   * `max_connections`). Default 4, as `PostgresStore`'s: keep the sum over every pool on one database
   * (each worker's store and history) within about 2–6 per server core. Not with `pool`.
   */
  maxConnections?: number;
  /** Schema holding the tables; created if missing. Default `"public"`. */
  schema?: string;
  /** The clock of `createdAt`/`updatedAt`, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** The fields of `PostgresHistoryOptions`. */
const OPTION_FIELDS = knownFields<PostgresHistoryOptions>({
  pool: true,
  connectionString: true,
  maxConnections: true,
  schema: true,
  now: true,
});

/**
 * A thread store on PostgreSQL (pg): pass it as a network's or agent's `history`. Threads are keyed by
 * user and thread id; writes are idempotent by message id (`ON CONFLICT DO NOTHING`), so several workers
 * and replayed runs never store a message twice. Call `ready()` (or any hook) to create the tables.
 *
 * @example
 * const history = postgresHistory({ connectionString: process.env.DATABASE_URL });
 *
 * Its connections show as `fairway` in `pg_stat_activity` unless the URL's `?application_name=` or
 * `PGAPPNAME` names them. When the server refuses the pool it opened for what the URL names (the database
 * does not exist, the role or password is wrong), a call rejects with a StoreConnectionError naming the URL
 * without its password and the fix, as the PostgreSQL store's does.
 *
 * @throws ConfigError (when created) naming an unknown field (`maxConnection`: the message lists the known
 *   ones), or `maxConnections` when it is not an integer from 1 to 262143 or comes with a `pool`.
 */
export function postgresHistory(
  options: PostgresHistoryOptions = {},
): ThreadStore & { ready(): Promise<void> } {
  fieldsOf(options, "", OPTION_FIELDS);
  checkMaxConnections(options.maxConnections);
  const owned = options.pool === undefined;
  if (!owned && options.maxConnections !== undefined)
    throw new ConfigError(
      "maxConnections",
      "sizes the pool postgresHistory opens; with your own `pool`, set its `max` instead",
    );
  const origin = { url: printableUrl(options.connectionString ?? ""), source: "postgresHistory" } as const;
  /** `work`, whose refusal by the server (no such database, role or password) on the pool it opened is a
   * StoreConnectionError naming the URL (without its password) and the fix; other errors pass as they are. */
  const named = <T>(work: Promise<T>): Promise<T> =>
    work.catch((error: unknown) => {
      throw (owned ? refusedConnection(origin, error) : undefined) ?? error;
    });
  // `pg` is an optional peer dependency: loaded on first use (MissingPeerError naming it when absent).
  let pool: pg.Pool | undefined = options.pool;
  let schema = "";
  let ready: Promise<void> | undefined;
  const init = async (): Promise<pg.Pool> => {
    ready ??= (async () => {
      const { default: driver } = await importPeer(() => import("pg"), "pg", "postgresHistory");
      pool ??= new driver.Pool({
        fallback_application_name: FALLBACK_APPLICATION_NAME,
        connectionString: options.connectionString,
        max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      });
      schema = driver.escapeIdentifier(options.schema ?? "public");
      await named(migrate(pool, schema));
    })().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    await ready;
    return pool as pg.Pool;
  };
  const query = async (text: () => string, values: unknown[]) => named((await init()).query(text(), values));
  const upsert =
    () => `INSERT INTO ${schema}.fairway_threads (user_id, thread_id, created_at, updated_at) VALUES ($1, $2, $3, $3)
    ON CONFLICT (user_id, thread_id) DO UPDATE SET updated_at = EXCLUDED.updated_at`;
  const storage: ThreadStorage = {
    upsertThread: async (userId, threadId, now) => {
      await query(upsert, [userId, threadId, now]);
    },
    append: async (userId, threadId, records, now) => {
      await named(
        inTransaction(await init(), async (client) => {
          await client.query(upsert(), [userId, threadId, now]);
          for (const r of records) {
            await client.query(
              `INSERT INTO ${schema}.fairway_thread_messages (user_id, thread_id, message_id, kind, agent_name, data, checksum, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id, thread_id, message_id) DO NOTHING`,
              [userId, threadId, r.messageId, r.kind, r.agentName, r.data, r.checksum, r.createdAt],
            );
          }
        }),
      );
    },
    read: async (userId, threadId) => {
      const { rows } = await query(
        () => `SELECT message_id AS "messageId", kind, agent_name AS "agentName", data::text AS data, checksum, created_at AS "createdAt"
         FROM ${schema}.fairway_thread_messages WHERE user_id = $1 AND thread_id = $2 ORDER BY seq`,
        [userId, threadId],
      );
      return rows.map((row) => ({ ...row, createdAt: Number(row.createdAt) })) as ThreadRecord[];
    },
    listThreads: async (userId, limit) => {
      const { rows } = await query(
        () => `SELECT thread_id AS "threadId", user_id AS "userId", created_at AS "createdAt", updated_at AS "updatedAt"
         FROM ${schema}.fairway_threads WHERE user_id = $1 ORDER BY updated_at DESC LIMIT $2`,
        [userId, limit],
      );
      return rows.map((row) => ({
        ...row,
        createdAt: Number(row.createdAt),
        updatedAt: Number(row.updatedAt),
      })) as ThreadSummary[];
    },
    deleteThread: async (userId, threadId) => {
      await query(
        () => `DELETE FROM ${schema}.fairway_thread_messages WHERE user_id = $1 AND thread_id = $2`,
        [userId, threadId],
      );
      await query(
        () => `DELETE FROM ${schema}.fairway_threads WHERE user_id = $1 AND thread_id = $2`,
        [userId, threadId],
      );
    },
    close: async () => {
      if (owned && ready) await pool?.end();
    },
  };
  return {
    ...threadStore(storage, options.now),
    ready: async () => {
      await init();
    },
  };
}

async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    // One migrator at a time across processes: a transaction-scoped advisory lock per schema.
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`fairway_threads:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.fairway_thread_schema (version INTEGER NOT NULL)`,
    );
    const { rows } = await client.query(
      `SELECT max(version) AS version FROM ${schema}.fairway_thread_schema`,
    );
    for (let version = Number(rows[0]?.version ?? 0); version < migrations.length; version++) {
      await client.query(`SET LOCAL search_path TO ${schema}`);
      await client.query(migrations[version]!);
      await client.query(`INSERT INTO ${schema}.fairway_thread_schema (version) VALUES ($1)`, [version + 1]);
    }
  });
}

/** Runs `work` in one transaction on a pooled client: commit on success, rollback on a throw. */
async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await work(client);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}
