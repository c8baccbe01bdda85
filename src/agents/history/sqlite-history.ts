import Database from "better-sqlite3";
import { threadMigrations } from "./thread-schema.js";
import {
  type ThreadRecord,
  type ThreadStorage,
  type ThreadStore,
  type ThreadSummary,
  threadStore,
} from "./thread-store.js";

const migrations = threadMigrations({
  serial: "INTEGER PRIMARY KEY AUTOINCREMENT",
  bigint: "INTEGER",
  json: "TEXT",
});

/** Options of `sqliteHistory`: a file path (`":memory:"` for tests) or an open better-sqlite3 database. */
export interface SqliteHistoryOptions {
  path?: string;
  database?: Database.Database;
  now?: () => number;
}

/**
 * A thread store on SQLite (better-sqlite3, WAL): pass it as a network's or agent's `history`. Threads are
 * keyed by user and thread id; writes are idempotent by message id.
 *
 * @example
 * const history = sqliteHistory({ path: ".fairway/threads.db" });
 * const network = createNetwork({ name: "chat", agents, history });
 * await network.run("hi", { userId: "u1", threadId: "t1" });
 */
export function sqliteHistory(options: SqliteHistoryOptions = {}): ThreadStore {
  const owned = options.database === undefined;
  const db = options.database ?? new Database(options.path ?? ":memory:");
  if (owned) db.pragma("journal_mode = WAL");
  migrate(db);
  const statements = {
    upsert: db.prepare(
      `INSERT INTO fairway_threads (user_id, thread_id, created_at, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, thread_id) DO UPDATE SET updated_at = excluded.updated_at`,
    ),
    insert: db.prepare(
      `INSERT INTO fairway_thread_messages (user_id, thread_id, message_id, kind, agent_name, data, checksum, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, thread_id, message_id) DO NOTHING`,
    ),
    read: db.prepare(
      `SELECT message_id AS messageId, kind, agent_name AS agentName, data, checksum, created_at AS createdAt
       FROM fairway_thread_messages WHERE user_id = ? AND thread_id = ? ORDER BY seq`,
    ),
    list: db.prepare(
      `SELECT thread_id AS threadId, user_id AS userId, created_at AS createdAt, updated_at AS updatedAt
       FROM fairway_threads WHERE user_id = ? ORDER BY updated_at DESC LIMIT ?`,
    ),
    deleteMessages: db.prepare("DELETE FROM fairway_thread_messages WHERE user_id = ? AND thread_id = ?"),
    deleteThread: db.prepare("DELETE FROM fairway_threads WHERE user_id = ? AND thread_id = ?"),
  };
  const append = db.transaction((userId: string, threadId: string, records: ThreadRecord[], now: number) => {
    statements.upsert.run(userId, threadId, now, now);
    for (const r of records)
      statements.insert.run(
        userId,
        threadId,
        r.messageId,
        r.kind,
        r.agentName,
        r.data,
        r.checksum,
        r.createdAt,
      );
  });
  const remove = db.transaction((userId: string, threadId: string) => {
    statements.deleteMessages.run(userId, threadId);
    statements.deleteThread.run(userId, threadId);
  });
  const storage: ThreadStorage = {
    upsertThread: async (userId, threadId, now) => {
      statements.upsert.run(userId, threadId, now, now);
    },
    append: async (userId, threadId, records, now) => append(userId, threadId, records, now),
    read: async (userId, threadId) => statements.read.all(userId, threadId) as ThreadRecord[],
    listThreads: async (userId, limit) => statements.list.all(userId, limit) as ThreadSummary[],
    deleteThread: async (userId, threadId) => remove(userId, threadId),
    close: async () => {
      if (owned) db.close();
    },
  };
  return threadStore(storage, options.now);
}

function migrate(db: Database.Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS fairway_thread_schema (version INTEGER NOT NULL)");
  const row = db.prepare("SELECT max(version) AS version FROM fairway_thread_schema").get() as {
    version: number | null;
  };
  for (let version = row.version ?? 0; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.prepare("INSERT INTO fairway_thread_schema (version) VALUES (?)").run(version + 1);
    })();
  }
}
