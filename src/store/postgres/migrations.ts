/**
 * PostgreSQL schema migrations: append-only and numbered, like the SQLite ones. `migrate` runs them in
 * one transaction under a transaction-scoped advisory lock per schema, so when several workers start at
 * once exactly one applies each version and the others wait, then find the schema current.
 *
 * @module
 */
import { MigrationError } from "../../errors/index.js";
import type { Migration } from "../sqlite/migrations.js";
import { postgresRoutines } from "./routines.js";

export type { Migration } from "../sqlite/migrations.js";

/**
 * The schema. Times are BIGINT ms; values the engine serializes (data, outputs, errors, id lists) are TEXT
 * holding JSON, exactly as the SQLite store keeps them, so both share one row mapper. Ids compare with the
 * "C" collation: `listRuns` pages by `(created_at, id)` in byte order whatever the database's locale.
 */
export const postgresMigrations: Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  ts BIGINT NOT NULL,
  v TEXT,
  user_id TEXT,
  received_at BIGINT NOT NULL
);
CREATE INDEX events_name_seq ON events (name, seq);

CREATE TABLE runs (
  id TEXT COLLATE "C" PRIMARY KEY,
  function_id TEXT NOT NULL,
  status TEXT NOT NULL,
  event_ids TEXT NOT NULL,
  events TEXT NOT NULL,
  output TEXT,
  error TEXT,
  attempt INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  ended_at BIGINT,
  ready_at BIGINT,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  event_seq BIGINT NOT NULL,
  backlog_key TEXT NOT NULL,
  concurrency_keys TEXT,
  warnings TEXT,
  skip_reason TEXT,
  cancel_reason TEXT,
  parent_run_id TEXT,
  parent_step_id TEXT
);
CREATE INDEX runs_created ON runs (created_at, id);
CREATE INDEX runs_function_created ON runs (function_id, created_at, id);
CREATE INDEX runs_status_created ON runs (status, created_at, id);
CREATE INDEX runs_pending ON runs (ready_at) WHERE ready_at IS NOT NULL;
CREATE INDEX runs_lease_owner ON runs (lease_owner) WHERE lease_owner IS NOT NULL;

CREATE TABLE steps (
  run_id TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  op TEXT NOT NULL,
  status TEXT NOT NULL,
  position INTEGER NOT NULL,
  input TEXT,
  output TEXT,
  error TEXT,
  attempts INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  wake_at BIGINT,
  event_id TEXT,
  PRIMARY KEY (run_id, id)
);
CREATE UNIQUE INDEX steps_consumed_event ON steps (run_id, event_id) WHERE event_id IS NOT NULL;

CREATE TABLE waits (
  id TEXT COLLATE "C" PRIMARY KEY,
  run_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  event_name TEXT NOT NULL,
  expression TEXT,
  trigger_event TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  after_seq BIGINT NOT NULL,
  match_field TEXT,
  match_value TEXT
);
CREATE INDEX waits_match ON waits (event_name, match_field, match_value);
CREATE INDEX waits_run ON waits (run_id);

CREATE TABLE dedup (
  function_id TEXT NOT NULL,
  key TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (function_id, key)
);

CREATE TABLE flow_pending (
  function_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  event_ids TEXT NOT NULL,
  last_ts BIGINT NOT NULL,
  first_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  PRIMARY KEY (function_id, kind, key)
);
`,
  },
  {
    // The recovery sweep pages through claimable runs by (ready_at, id) (Store.listDueRuns).
    version: 2,
    sql: `
CREATE INDEX runs_due ON runs (ready_at, id) WHERE ready_at IS NOT NULL;
DROP INDEX runs_pending;
`,
  },
  {
    // Trace context and wait reasons on runs; per-key limit overrides; token usage per model call.
    version: 3,
    sql: `
ALTER TABLE runs ADD COLUMN trace_parent TEXT;
ALTER TABLE runs ADD COLUMN wait_reason TEXT;
CREATE TABLE limit_overrides (
  function_id TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  limits TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (function_id, key)
);
CREATE TABLE usage (
  id TEXT COLLATE "C" PRIMARY KEY,
  run_id TEXT NOT NULL,
  function_id TEXT NOT NULL,
  tenant_key TEXT COLLATE "C" NOT NULL,
  model TEXT COLLATE "C" NOT NULL,
  provider TEXT,
  at BIGINT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cached_input_tokens BIGINT
);
CREATE INDEX usage_run ON usage (run_id);
CREATE INDEX usage_at ON usage (at, tenant_key);
`,
  },
  {
    // The order in which a run's steps settled, so a replay hands results back in it (Promise.race).
    version: 4,
    sql: "ALTER TABLE steps ADD COLUMN settled_seq BIGINT;",
  },
  {
    // The paged scheduler (Store.listBacklogs/listBacklogRuns): backlogged runs (never started, due when
    // created; src/store/backlogged.ts) by backlog in serving order; wake-ups (every other pending run) by
    // ready_at for the sweep (listDueRuns), so neither read walks the other's rows.
    version: 5,
    sql: `
ALTER TABLE runs ADD COLUMN queue_score BIGINT NOT NULL DEFAULT 0;
UPDATE runs SET queue_score = created_at;
CREATE INDEX runs_backlog ON runs (backlog_key, queue_score, id)
  WHERE started_at IS NULL AND ready_at <= created_at;
CREATE INDEX runs_wakeup ON runs (ready_at, id)
  WHERE ready_at IS NOT NULL AND (started_at IS NOT NULL OR ready_at > created_at);
DROP INDEX runs_due;
`,
  },
  {
    // A throttle's GCRA state is rebuilt from the runs its function started recently (Store.listStartedRuns).
    version: 6,
    sql: "CREATE INDEX runs_started ON runs (function_id, started_at, id) WHERE started_at IS NOT NULL;",
  },
  {
    // A run's flow-control keys besides its concurrency keys, evaluated once at admission (RunRecord.flowKeys).
    version: 7,
    sql: "ALTER TABLE runs ADD COLUMN flow_keys TEXT;",
  },
  {
    // Concurrency slots decided in the claim across workers (claimRun's slots): the runs that took a slot
    // of each scope. A row counts while its run holds a live lease (see fairway_admit_sets in admit-sets.ts).
    version: 8,
    sql: "CREATE TABLE run_slots (scope TEXT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY (scope, run_id));",
  },
  {
    // Rate limit, idempotency and singleton decided when a run is created, and throttle in the claim, across
    // workers (src/store/postgres/admit-runs.ts, claimRun's throttle): the admissions of each window scope
    // within its period, the run holding each singleton key, and each throttle's GCRA time (TAT, ms).
    version: 9,
    sql: `
CREATE TABLE run_admissions (scope TEXT NOT NULL, at BIGINT NOT NULL, run_id TEXT NOT NULL,
  PRIMARY KEY (scope, at, run_id));
CREATE TABLE singleton_holders (scope TEXT PRIMARY KEY, run_id TEXT NOT NULL);
CREATE TABLE throttles (scope TEXT PRIMARY KEY, tat DOUBLE PRECISION NOT NULL);
`,
  },
  {
    // The sweep reads the debounces and batches due soon (Store.listDueFlowPending), page by page.
    version: 10,
    sql: "CREATE INDEX flow_pending_due ON flow_pending (due_at, function_id, kind, key);",
  },
  {
    // Retention (Store.sweepRetention, src/store/postgres/retention.ts): the oldest live run's event
    // position, dedup keys by expiry, admissions by time.
    version: 11,
    sql: `
CREATE INDEX runs_live_event_seq ON runs (event_seq)
  WHERE status NOT IN ('completed','failed','cancelled','skipped');
CREATE INDEX dedup_expires ON dedup (expires_at);
CREATE INDEX run_admissions_at ON run_admissions (at);
`,
  },
  {
    // Fairness across workers in the claim (see fairway_admit_sets in admit-sets.ts): per slot scope and backlog,
    // when a claim last took a slot (served_at, ms) and until when a refused claim keeps its turn
    // (waiting_until, ms). Versions 11 to 13 are left to changes made beside this one.
    version: 14,
    sql: `
CREATE TABLE scope_turns (scope TEXT NOT NULL, backlog_key TEXT NOT NULL,
  served_at BIGINT NOT NULL, waiting_until BIGINT NOT NULL, PRIMARY KEY (scope, backlog_key));
CREATE INDEX scope_turns_waiting ON scope_turns (scope, waiting_until);
`,
  },
  {
    // The engine rebuilds its rate-limit and idempotency windows from the admissions (Store.listAdmissions),
    // page by page in (at, scope, run_id) order; retention deletes them by time with the same index.
    version: 15,
    sql: `
CREATE INDEX run_admissions_order ON run_admissions (at, scope, run_id);
DROP INDEX run_admissions_at;
`,
  },
  {
    // Retention of runs (Store.sweepRetention, src/store/postgres/retention.ts): ended runs by end time; live
    // invoked children by parent (a parent is kept while a child lives).
    version: 16,
    sql: `
CREATE INDEX runs_ended ON runs (ended_at, id) WHERE status IN ('completed','failed','cancelled','skipped');
CREATE INDEX runs_live_children ON runs (parent_run_id)
  WHERE parent_run_id IS NOT NULL AND status NOT IN ('completed','failed','cancelled','skipped');
`,
  },
];

/** What `migrate` needs of a connection: one dedicated session (a pooled client, checked out). */
export interface MigrationClient {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/**
 * Brings `schema` (created if missing) to the latest version, each migration in its own transaction with
 * its version bump. Every version not applied yet is applied, in list order, a lower one too: numbers are
 * reserved per change and changes land in any order (14 may be applied before 11 exists). Holds a session advisory lock keyed by the schema name meanwhile, so workers starting
 * at once apply each migration exactly once: the others wait, then find the schema current. The lock dies
 * with the session if the process does. Throws MigrationError naming the version that failed (the schema
 * stays at the version before it). Then installs `routines` (`routines.ts`: `CREATE OR REPLACE`, every start)
 * in one transaction under the same lock.
 */
export async function migrate(
  client: MigrationClient,
  schema: string,
  list: Migration[] = postgresMigrations,
  routines: readonly string[] = postgresRoutines,
): Promise<void> {
  const lockKey = `fairway:migrate:${schema}`;
  await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [lockKey]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`,
    );
    const { rows } = await client.query(`SELECT version FROM ${schema}.schema_migrations`);
    const applied = new Set(rows.map((row) => Number(row.version)));
    for (const migration of list) {
      if (applied.has(migration.version)) continue;
      try {
        await client.query("BEGIN");
        await client.query(`SET LOCAL search_path TO ${schema}`);
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${schema}.schema_migrations (version, applied_at) VALUES ($1, $2)`, [
          migration.version,
          Date.now(),
        ]);
        await client.query("COMMIT");
      } catch (cause) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new MigrationError(migration.version, cause);
      }
    }
    await client.query("BEGIN");
    try {
      await client.query(`SET LOCAL search_path TO ${schema}`);
      for (const routine of routines) await client.query(routine);
      await client.query("COMMIT");
    } catch (cause) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw cause;
    }
  } finally {
    // A dead session has dropped the lock already; a failure here must not hide the error in flight.
    await client
      .query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [lockKey])
      .catch(() => undefined);
  }
}
