/**
 * SQLite schema migrations: append-only and numbered. Each runs in one transaction together with the bump
 * of `schema_migrations`, so a crash leaves the schema at a whole version.
 *
 * @module
 */
import type Database from "better-sqlite3";
import { MigrationError } from "../../errors/index.js";

/** One schema step. Never edit a released migration: add the next number. */
export interface Migration {
  version: number;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  ts INTEGER NOT NULL,
  v TEXT,
  user_id TEXT,
  received_at INTEGER NOT NULL
);
CREATE INDEX events_name_seq ON events (name, seq);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  function_id TEXT NOT NULL,
  status TEXT NOT NULL,
  event_ids TEXT NOT NULL,
  events TEXT NOT NULL,
  output TEXT,
  error TEXT,
  attempt INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  ready_at INTEGER,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  event_seq INTEGER NOT NULL,
  backlog_key TEXT NOT NULL,
  concurrency_keys TEXT,
  skip_reason TEXT,
  cancel_reason TEXT,
  parent_run_id TEXT,
  parent_step_id TEXT
);
CREATE INDEX runs_created ON runs (created_at, id);
CREATE INDEX runs_function_created ON runs (function_id, created_at, id);
CREATE INDEX runs_status_created ON runs (status, created_at, id);
CREATE INDEX runs_pending ON runs (ready_at) WHERE ready_at IS NOT NULL;

CREATE TABLE steps (
  run_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  op TEXT NOT NULL,
  status TEXT NOT NULL,
  position INTEGER NOT NULL,
  input TEXT,
  output TEXT,
  error TEXT,
  attempts INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  wake_at INTEGER,
  event_id TEXT,
  PRIMARY KEY (run_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX steps_consumed_event ON steps (run_id, event_id) WHERE event_id IS NOT NULL;

CREATE TABLE waits (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  event_name TEXT NOT NULL,
  expression TEXT,
  trigger_event TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  after_seq INTEGER NOT NULL
);
CREATE INDEX waits_event_name ON waits (event_name);
CREATE INDEX waits_run ON waits (run_id);

CREATE TABLE dedup (
  function_id TEXT NOT NULL,
  key TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (function_id, key)
) WITHOUT ROWID;
`,
  },
  {
    version: 2,
    sql: "ALTER TABLE runs ADD COLUMN warnings TEXT;",
  },
  {
    version: 3,
    sql: `
CREATE TABLE flow_pending (
  function_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  event_ids TEXT NOT NULL,
  last_ts INTEGER NOT NULL,
  first_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  PRIMARY KEY (function_id, kind, key)
) WITHOUT ROWID;
`,
  },
  {
    version: 4,
    sql: `
ALTER TABLE waits ADD COLUMN match_field TEXT;
ALTER TABLE waits ADD COLUMN match_value TEXT;
CREATE INDEX waits_match ON waits (event_name, match_field, match_value);
DROP INDEX waits_event_name;
`,
  },
  {
    // The recovery sweep pages through claimable runs by (ready_at, id) (Store.listDueRuns).
    version: 5,
    sql: `
CREATE INDEX runs_due ON runs (ready_at, id) WHERE ready_at IS NOT NULL;
DROP INDEX runs_pending;
`,
  },
  {
    version: 6,
    sql: `
CREATE TABLE limit_overrides (
  function_id TEXT NOT NULL,
  key TEXT NOT NULL,
  limits TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (function_id, key)
) WITHOUT ROWID;
`,
  },
  {
    version: 7,
    sql: `
CREATE TABLE usage (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  function_id TEXT NOT NULL,
  tenant_key TEXT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT,
  at INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER
);
CREATE INDEX usage_run ON usage (run_id);
CREATE INDEX usage_at ON usage (at, tenant_key);
`,
  },
  {
    version: 8,
    sql: "ALTER TABLE runs ADD COLUMN trace_parent TEXT;",
  },
  {
    version: 9,
    sql: "ALTER TABLE runs ADD COLUMN wait_reason TEXT;",
  },
  {
    version: 10,
    // The order in which the handler got each step's result, replayed in that order (engine settle-order).
    sql: "ALTER TABLE steps ADD COLUMN settled_seq INTEGER;",
  },
  {
    version: 11,
    // The paged scheduler (Store.listBacklogs/listBacklogRuns): backlogged runs (never started, due when
    // created; src/store/backlogged.ts) by backlog in serving order; wake-ups (every other pending run) by
    // readyAt for the sweep (listDueRuns), so neither read walks the other's rows.
    sql: `
ALTER TABLE runs ADD COLUMN queue_score INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET queue_score = created_at;
CREATE INDEX runs_backlog ON runs (backlog_key, queue_score, id)
  WHERE started_at IS NULL AND ready_at <= created_at;
CREATE INDEX runs_wakeup ON runs (ready_at, id)
  WHERE ready_at IS NOT NULL AND (started_at IS NOT NULL OR ready_at > created_at);
DROP INDEX runs_due;
`,
  },
  {
    version: 12,
    // A throttle's GCRA state is rebuilt from the runs its function started recently (Store.listStartedRuns).
    sql: "CREATE INDEX runs_started ON runs (function_id, started_at, id) WHERE started_at IS NOT NULL;",
  },
  {
    version: 13,
    // A run's flow-control keys besides its concurrency keys, evaluated once at admission (RunRecord.flowKeys).
    sql: "ALTER TABLE runs ADD COLUMN flow_keys TEXT;",
  },
  {
    version: 14,
    // The sweep reads the debounces and batches due soon (Store.listDueFlowPending), page by page.
    sql: "CREATE INDEX flow_pending_due ON flow_pending (due_at, function_id, kind, key);",
  },
  {
    version: 15,
    // Retention (Store.sweepRetention): the oldest live run's event position, and dedup keys by expiry.
    sql: `
CREATE INDEX runs_live_event_seq ON runs (event_seq)
  WHERE (status <> 'completed' AND status <> 'failed' AND status <> 'cancelled' AND status <> 'skipped');
CREATE INDEX dedup_expires ON dedup (expires_at);
`,
  },
  {
    version: 16,
    // Rate-limit and idempotency admissions (Store.listAdmissions, src/store/admission-record.ts), as
    // PostgreSQL's run_admissions: what the engine rebuilds its windows from at start-up, including the
    // debounced events that joined a debounce (their run is never created). Keyed by time for the rebuild
    // and retention. The admissions of the last 24 h before this version are those the engine rebuilt its
    // windows from until then: its runs created since, not skipped, under their stored keys.
    sql: `
CREATE TABLE run_admissions (at INTEGER NOT NULL, scope TEXT NOT NULL, run_id TEXT NOT NULL,
  PRIMARY KEY (at, scope, run_id)) WITHOUT ROWID;
INSERT OR IGNORE INTO run_admissions (at, scope, run_id)
  SELECT created_at, kind || ':' || function_id || char(0) || value, id FROM (
    SELECT created_at, 'rateLimit' AS kind, function_id, json_extract(flow_keys, '$.rateLimit') AS value, id, status
    FROM runs
    UNION ALL
    SELECT created_at, 'idempotency', function_id, json_extract(flow_keys, '$.idempotency'), id, status FROM runs)
  WHERE value IS NOT NULL AND status <> 'skipped'
    AND created_at > CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 86400000;
`,
  },
  {
    version: 17,
    // Retention of runs (Store.sweepRetention): ended runs by end time; live invoked children by parent (a
    // parent is kept while a child lives).
    sql: `
CREATE INDEX runs_ended ON runs (ended_at, id)
  WHERE status IN ('completed', 'failed', 'cancelled', 'skipped');
CREATE INDEX runs_live_children ON runs (parent_run_id)
  WHERE parent_run_id IS NOT NULL
    AND (status <> 'completed' AND status <> 'failed' AND status <> 'cancelled' AND status <> 'skipped');
`,
  },
];

/**
 * Brings `db` to the latest version: every version not applied yet, in list order, a lower one too (numbers
 * are reserved per change and changes land in any order). Throws MigrationError naming the version that failed.
 */
export function migrate(db: Database.Database, list: Migration[] = migrations): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER)");
  const rows = db.prepare("SELECT version FROM schema_migrations").all() as Array<{ version: number }>;
  const applied = new Set(rows.map((row) => row.version));
  for (const migration of list) {
    if (applied.has(migration.version)) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(
          migration.version,
          Date.now(),
        );
      })();
    } catch (cause) {
      throw new MigrationError(migration.version, cause);
    }
  }
}
