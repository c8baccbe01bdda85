/** Column types that differ between the SQL dialects of the thread stores. */
export interface SqlDialect {
  /** An auto-increasing primary key column type. */
  serial: string;
  /** A 64-bit integer (ms timestamps). */
  bigint: string;
  /** The type of the stored JSON text (kept verbatim, so checksums recompute the same). */
  json: string;
}

/**
 * The thread stores' schema versions, in order (append only). Version 1: threads keyed by
 * `(user_id, thread_id)` and their messages, unique by `(user_id, thread_id, message_id)`.
 */
export function threadMigrations(dialect: SqlDialect): string[] {
  return [
    `CREATE TABLE fairway_threads (
       user_id TEXT NOT NULL, thread_id TEXT NOT NULL,
       created_at ${dialect.bigint} NOT NULL, updated_at ${dialect.bigint} NOT NULL,
       PRIMARY KEY (user_id, thread_id));
     CREATE INDEX fairway_threads_recent ON fairway_threads (user_id, updated_at DESC);
     CREATE TABLE fairway_thread_messages (
       seq ${dialect.serial}, user_id TEXT NOT NULL, thread_id TEXT NOT NULL,
       message_id TEXT NOT NULL, kind TEXT NOT NULL, agent_name TEXT NOT NULL, data ${dialect.json} NOT NULL,
       checksum TEXT NOT NULL, created_at ${dialect.bigint} NOT NULL,
       UNIQUE (user_id, thread_id, message_id));`,
  ];
}
