/**
 * Every statement the PostgreSQL store runs, named (prepared once per connection by `pg`). Parameters are
 * positional; each statement's comment lists them. Tables are unqualified: the pool's `search_path` is the
 * store's schema.
 *
 * @module
 */
import { TERMINAL_RUN_STATUSES } from "../run-statuses.js";
import type { Statement } from "./postgres-database.js";

/** SQL list of the terminal statuses, e.g. `('completed','failed',...)`. */
export const TERMINAL = `(${[...TERMINAL_RUN_STATUSES].map((status) => `'${status}'`).join(",")})`;

/**
 * The answer of a retention batch that walks a table by `scope` (CTEs `batch`: the rows looked at, `gone`: those
 * deleted): the last scope looked at, how many rows it looked at and deleted.
 */
const WALKED_BY_SCOPE = `SELECT (SELECT scope FROM batch ORDER BY scope DESC LIMIT 1) AS last,
       (SELECT COUNT(*) FROM batch)::int AS examined, (SELECT COUNT(*) FROM gone)::int AS deleted`;

/**
 * The answer of a retention batch walked by a two-column key (`first`, `second`) over the `batch` it looked
 * at and the rows `gone`: the last key looked at (`last`, `last_run`), `examined`, `deleted`.
 */
const walkedByPair = (first: string, second: string) =>
  `last AS (SELECT ${first}, ${second} FROM batch ORDER BY ${first} DESC, ${second} DESC LIMIT 1)
     SELECT (SELECT ${first} FROM last) AS last, (SELECT ${second} FROM last) AS last_run,
       (SELECT COUNT(*) FROM batch)::int AS examined, (SELECT COUNT(*) FROM gone)::int AS deleted`;

/** Larger than any event `seq`: the bound when no run is live. */
const NO_SEQ = "9223372036854775807";

/**
 * How long a backlog's last turn is remembered once it waits no more (ms): a turn served longer ago than this
 * is deleted by the retention sweep, and the backlog is "never served" again — as one process forgets an
 * idle backlog (`src/flow/fair-scheduler.ts` deletes it with its `lastServed`).
 */
export const TURN_MEMORY_MS = 10 * 60_000;
/** `scope_turns.served_at` of a backlog that never took a slot of the scope (or was forgotten): first in turn. */
export const NEVER_SERVED = Number.MIN_SAFE_INTEGER;
/**
 * How long a refused claim keeps its backlog's turn (ms): twice the engine's longest pause before it claims
 * again after a refusal (`refusedClaimDelayMs`, 1 s), so a waiting backlog keeps its turn between two tries,
 * and a turn whose claimer died or whose run another worker started lapses by itself.
 */
export const TURN_KEPT_MS = 2000;

const STEP_COLUMNS =
  "run_id, id, name, op, status, position, input, output, error, attempts, started_at, ended_at, wake_at, event_id, settled_seq";

/** The conflict clause that makes a step insert replace the stored row of the same run and id. */
const REPLACE_STEP = `ON CONFLICT (run_id, id) DO UPDATE SET name = EXCLUDED.name, op = EXCLUDED.op,
  status = EXCLUDED.status, position = EXCLUDED.position, input = EXCLUDED.input, output = EXCLUDED.output,
  error = EXCLUDED.error, attempts = EXCLUDED.attempts, started_at = EXCLUDED.started_at,
  ended_at = EXCLUDED.ended_at, wake_at = EXCLUDED.wake_at, event_id = EXCLUDED.event_id,
  settled_seq = EXCLUDED.settled_seq`;

/** A statement with a name, from its SQL. */
const named = (name: string, text: string, idempotent = false): Statement => ({ name, text, idempotent });

export const statements = {
  /** $1 JSON array of event rows (no seq) → id, seq of each, in insertion order. */
  insertEvents: named(
    "fw_insert_events",
    `INSERT INTO events (id, name, data, ts, v, user_id, received_at)
     SELECT id, name, data, ts, v, user_id, received_at FROM json_populate_recordset(NULL::events, $1::json)
     RETURNING id, seq`,
  ),
  /**
   * An accept that only stores events and the runs they trigger, in one round trip and one transaction
   * (`routines.ts`, `fairway_accept_events`, whose parameters these are in order: event names, event rows,
   * run rows, each run's event id, whether to offer the events to waits) → `stored_id`, `stored_seq` per
   * event; no rows (and nothing written) when a wait for one of the names exists and the events must be
   * offered to it (`plain-accept.ts` then runs the whole accept).
   */
  acceptPlain: named("fw_accept_plain", "SELECT * FROM fairway_accept_events($1, $2, $3, $4, $5)"),
  /** $1 sorted event names: a shared lock per name, against `registerWait`'s exclusive one. */
  lockEventNamesShared: named(
    "fw_lock_event_names_shared",
    "SELECT pg_advisory_xact_lock_shared(hashtextextended('fairway:event:' || current_schema() || ':' || n, 0)) FROM unnest($1::text[]) AS n",
  ),
  /** $1 event name. */
  lockEventName: named(
    "fw_lock_event_name",
    "SELECT pg_advisory_xact_lock(hashtextextended('fairway:event:' || current_schema() || ':' || $1, 0))",
  ),
  /**
   * $1 run id: serializes the transactions that consume events for one run (`resolveStep` with an event,
   * `registerWait`), so two waits of one run offered the same event at once see each other's consumption
   * (the unique `(run, event)` index would otherwise fail the second instead of it taking nothing).
   */
  lockRunEvents: named(
    "fw_lock_run_events",
    "SELECT pg_advisory_xact_lock(hashtextextended('fairway:run-events:' || current_schema() || ':' || $1, 0))",
  ),
  /** $1 channel, $2 payload: a wake-up notice (`work-notifier.ts`), autocommit, after the commit it announces. */
  notifyWork: named("fw_notify_work", "SELECT pg_notify($1, $2)", true),
  /** $1 event id. */
  getEvent: named("fw_get_event", "SELECT * FROM events WHERE id = $1", true),
  /** $1 ids. */
  getEvents: named("fw_get_events", "SELECT * FROM events WHERE id = ANY($1::text[])", true),
  maxSeq: named("fw_max_seq", "SELECT MAX(seq) AS seq FROM events", true),
  /** $1 event name, $2 after seq, $3 run id: events the run has not consumed, oldest first. */
  eventsAfter: named(
    "fw_events_after",
    `SELECT * FROM events WHERE name = $1 AND seq > $2
       AND NOT EXISTS (SELECT 1 FROM steps WHERE steps.run_id = $3 AND steps.event_id = events.id)
     ORDER BY seq`,
  ),
  /** $1 function id, $2 key, $3 expires at, $4 now → a row if the key was free (or expired) and is now set. */
  claimDedup: named(
    "fw_claim_dedup",
    `INSERT INTO dedup (function_id, key, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (function_id, key) DO UPDATE SET expires_at = EXCLUDED.expires_at
     WHERE dedup.expires_at <= $4
     RETURNING 1`,
  ),
  /** $1 JSON array of run rows. */
  insertRuns: named(
    "fw_insert_runs",
    "INSERT INTO runs SELECT * FROM json_populate_recordset(NULL::runs, $1::json)",
  ),
  /** $1 run id. */
  getRun: named("fw_get_run", "SELECT * FROM runs WHERE id = $1", true),
  /**
   * $1 run ids (distinct), $2 owners, $3 nows, $4 lease ends (one per id, in order) → each run claimed: those
   * due, not terminal and not under another owner's live lease. The rows are locked in id order first (two
   * workers' batches never deadlock), and a row another claim changed meanwhile is re-checked against its
   * committed version (READ COMMITTED's EvalPlanQual), so exactly one claim wins. The steps are read by the
   * next statement (`stepsOfRuns`), not by this one: a checkpoint of the previous owner that held the run row
   * while this claim waited for it commits after this statement's snapshot was taken. One statement for the
   * claims of one event-loop turn (`write-coalescer.ts`).
   */
  claimRuns: named(
    "fw_claim_runs",
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS c(id, owner, now, lease_end)),
     locked AS (
       SELECT runs.id, input.owner, input.now, input.lease_end FROM runs JOIN input USING (id)
       WHERE runs.status NOT IN ${TERMINAL} AND runs.ready_at IS NOT NULL AND runs.ready_at <= input.now
         AND (runs.lease_expires_at IS NULL OR runs.lease_expires_at <= input.now OR runs.lease_owner = input.owner)
       ORDER BY runs.id FOR UPDATE OF runs),
     claimed AS (
       UPDATE runs SET status = 'running', started_at = COALESCE(runs.started_at, locked.now),
         lease_owner = locked.owner, lease_expires_at = locked.lease_end
       FROM locked WHERE runs.id = locked.id
       RETURNING runs.*)
     SELECT * FROM claimed`,
  ),
  /**
   * A batch of claims with slots, one transaction (`routines.ts`, `fairway_claim_slots`, whose parameters
   * these are in order) → one JSON object per outcome row of `fairway_admit_sets`.
   */
  claimSlots: named(
    "fw_claim_slots",
    "SELECT fairway_claim_slots($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) AS claim_row",
  ),
  /**
   * $1 sorted slot scopes: a transaction lock per scope of this schema (the key names `current_schema()`, so
   * apps in other schemas of the database never wait for it), taken in order (two claims never deadlock) → `waited`,
   * how long the claim waited for locks other transactions held, whole ms by the server's clock (from the
   * statement's receipt, `statement_timestamp()`, to the last lock granted after a wait; exactly 0 when every
   * lock was free, tried first with `pg_try_advisory_xact_lock`). Also kept in the transaction's setting
   * `fairway.lock_wait`, where `fairway_admit_sets` reads it: a claim is decided from when it holds the locks.
   */
  lockSlotScopes: named(
    "fw_lock_slot_scopes",
    `SELECT w.waited, set_config('fairway.lock_wait', w.waited::text, true) AS setting FROM (
       SELECT COALESCE(floor(extract(epoch FROM max(granted) - statement_timestamp()) * 1000)::bigint, 0) AS waited
       FROM (SELECT CASE WHEN pg_try_advisory_xact_lock(k) THEN NULL::timestamptz
               ELSE (SELECT clock_timestamp() FROM (SELECT pg_advisory_xact_lock(k) OFFSET 0) AS held) END AS granted
             FROM (SELECT hashtextextended('fairway:slot:' || current_schema() || ':' || s, 0) AS k
                   FROM unnest($1::text[]) AS s) AS keys
            ) AS locks) AS w`,
  ),
  /**
   * The admission and claim of a batch of claims with slots under the scope locks the transaction holds
   * (`admit-sets.ts`, `fairway_admit_sets`, whose parameters these are in order) → one JSON object per
   * claimable or substituted run. A throttled claim's transaction runs it for its one scope set with the
   * throttle's scope and GCRA times.
   */
  admitSets: named(
    "fw_admit_sets",
    "SELECT fairway_admit_sets($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS claim_row",
  ),
  /**
   * $1 sorted scopes of windows and singleton keys (`admit-runs.ts`): a transaction lock per scope, in order,
   * so two accepts that admit runs of one scope serialize and two of overlapping scopes never deadlock.
   */
  lockAdmissionScopes: named(
    "fw_lock_admission_scopes",
    "SELECT pg_advisory_xact_lock(hashtextextended('fairway:admit:' || current_schema() || ':' || s, 0)) FROM unnest($1::text[]) AS s",
  ),
  /**
   * $1 window scopes (distinct), $2 each one's window start (now − period, ms), $3 singleton scopes → one
   * row per window scope with `n` = its admissions after the start (`holder` NULL), and one row per
   * singleton scope held by a run that is not terminal (`holder` = that run). Deletes the windows'
   * admissions at or before their start (they count no more). Run under `lockAdmissionScopes`.
   */
  admissionState: named(
    "fw_admission_state",
    `WITH w AS (SELECT * FROM unnest($1::text[], $2::bigint[]) AS w(scope, since)),
     pruned AS (DELETE FROM run_admissions a USING w WHERE a.scope = w.scope AND a.at <= w.since)
     SELECT w.scope, (SELECT COUNT(*) FROM run_admissions a WHERE a.scope = w.scope AND a.at > w.since)::int AS n,
       NULL::text AS holder FROM w
     UNION ALL
     SELECT h.scope, 0, h.run_id FROM singleton_holders h JOIN runs r ON r.id = h.run_id
     WHERE h.scope = ANY($3::text[]) AND r.status NOT IN ${TERMINAL}`,
  ),
  /**
   * $1 window scopes, $2 admission times (ms), $3 run ids (one admission each); $4 singleton scopes
   * (distinct), $5 the run now holding each. Run under `lockAdmissionScopes`, after `admissionState`.
   */
  recordAdmissions: named(
    "fw_record_admissions",
    `WITH admitted AS (
       INSERT INTO run_admissions (scope, at, run_id)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) ON CONFLICT DO NOTHING),
     held AS (
       INSERT INTO singleton_holders (scope, run_id) SELECT * FROM unnest($4::text[], $5::text[])
       ON CONFLICT (scope) DO UPDATE SET run_id = EXCLUDED.run_id)
     SELECT 1`,
  ),
  /**
   * $1 run ids, $2 throttle scope, $3 now, $4 owner → per run claimable by `owner` at `now` (as `claimRuns`),
   * its `started_at` (NULL: never started) with its row locked (in id order), and the throttle's TAT (NULL:
   * idle). Run under the throttle's lock (`lockSlotScopes`).
   */
  throttleStates: named(
    "fw_throttle_states",
    `SELECT r.id, r.started_at, (SELECT tat FROM throttles WHERE scope = $2) AS tat FROM runs r
     WHERE r.id = ANY($1::text[]) AND r.status NOT IN ${TERMINAL} AND r.ready_at IS NOT NULL AND r.ready_at <= $3
       AND (r.lease_expires_at IS NULL OR r.lease_expires_at <= $3 OR r.lease_owner = $4)
     ORDER BY r.id FOR UPDATE OF r`,
  ),
  /** $1 run ids → their steps, by run, position and start. */
  stepsOfRuns: named(
    "fw_steps_of_runs",
    "SELECT * FROM steps WHERE run_id = ANY($1::text[]) ORDER BY run_id, position, started_at",
    true,
  ),
  /** $1 owner, $2 run ids, $3 lease end, $4 now → the ids renewed (live leases of `owner` on live runs). */
  renewLeases: named(
    "fw_renew_leases",
    `UPDATE runs SET lease_expires_at = $3 WHERE id = ANY($2::text[]) AND lease_owner = $1
       AND lease_expires_at > $4 AND status NOT IN ${TERMINAL}
     RETURNING id`,
    true,
  ),
  /** $1 owner. */
  releaseLeases: named(
    "fw_release_leases",
    "UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1",
    true,
  ),
  /** $1 run id, $2 owner, $3 now: locks the run row if `owner` holds a live lease on it. */
  lockHeld: named(
    "fw_lock_held",
    `SELECT 1 FROM runs WHERE id = $1 AND lease_owner = $2 AND lease_expires_at > $3
       AND status NOT IN ${TERMINAL} FOR UPDATE`,
  ),
  /** $1 run id, $2 status, $3 ready at, $4 attempt. */
  suspendRun: named(
    "fw_suspend_run",
    `UPDATE runs SET status = $2, ready_at = $3, attempt = $4, lease_owner = NULL, lease_expires_at = NULL
     WHERE id = $1`,
  ),
  /**
   * $1 run id, $2 owner or null, $3 status, $4 output, $5 error, $6 ended at → the ended run; its waits are
   * deleted by the same statement.
   */
  finishRun: named(
    "fw_finish_run",
    `WITH ended AS (
       UPDATE runs SET status = $3, output = $4, error = $5, ended_at = $6,
         ready_at = NULL, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = $1 AND status NOT IN ${TERMINAL} AND ($2::text IS NULL OR lease_owner = $2)
       RETURNING *),
     dropped AS (DELETE FROM waits WHERE run_id IN (SELECT id FROM ended))
     SELECT * FROM ended`,
  ),
  /**
   * $1 run ids (distinct), $2 owners (null: any), $3 statuses, $4 outputs, $5 errors, $6 ended ats (one per
   * id, in order) → each run ended: only runs without a parent (an invoked run's end also resolves its
   * parent: `finishRun`'s transaction does that), not terminal, and held by the owner when one is given.
   * Rows are locked in id order; their waits are deleted by the same statement. One statement for the
   * finishes of one event-loop turn (`write-coalescer.ts`).
   */
  finishRuns: named(
    "fw_finish_runs",
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
         AS f(id, owner, status, output, error, ended_at)),
     locked AS (
       SELECT input.* FROM runs JOIN input USING (id)
       WHERE runs.status NOT IN ${TERMINAL} AND runs.parent_run_id IS NULL
         AND (input.owner IS NULL OR runs.lease_owner = input.owner)
       ORDER BY runs.id FOR UPDATE OF runs),
     ended AS (
       UPDATE runs SET status = locked.status, output = locked.output, error = locked.error,
         ended_at = locked.ended_at, ready_at = NULL, lease_owner = NULL, lease_expires_at = NULL
       FROM locked WHERE runs.id = locked.id
       RETURNING runs.*),
     dropped AS (DELETE FROM waits WHERE run_id IN (SELECT id FROM ended))
     SELECT * FROM ended`,
  ),
  /** $1 run id, $2 reason, $3 now → the cancelled run; its waits are deleted by the same statement. */
  cancelRun: named(
    "fw_cancel_run",
    `WITH ended AS (
       UPDATE runs SET status = 'cancelled', cancel_reason = $2, ended_at = $3, ready_at = NULL
       WHERE id = $1 AND status NOT IN ${TERMINAL} RETURNING *),
     dropped AS (DELETE FROM waits WHERE run_id IN (SELECT id FROM ended))
     SELECT * FROM ended`,
  ),
  /** $1 run id, $2 now: makes a non-terminal run due now (never later than it already is). */
  wakeRun: named(
    "fw_wake_run",
    `UPDATE runs SET ready_at = $2 WHERE id = $1 AND status NOT IN ${TERMINAL}
       AND (ready_at IS NULL OR ready_at > $2)`,
  ),
  /** $1 now, $2 limit, $3 after ready_at, $4 after id: claimable wake-ups by (ready_at, id) on runs_wakeup. */
  dueRuns: named(
    "fw_list_due_runs",
    `SELECT * FROM runs WHERE ready_at IS NOT NULL AND (started_at IS NOT NULL OR ready_at > created_at)
       AND ready_at <= $1 AND (ready_at, id) > ($3, $4)
       AND status NOT IN ${TERMINAL} AND (lease_expires_at IS NULL OR lease_expires_at <= $1)
     ORDER BY ready_at, id LIMIT $2`,
    true,
  ),
  /** $1 function id, $2 since, $3 limit, $4 after started_at, $5 after id: an index range on runs_started. */
  startedRuns: named(
    "fw_list_started_runs",
    `SELECT * FROM runs WHERE function_id = $1 AND started_at IS NOT NULL AND started_at >= $2
       AND (started_at, id) > ($4, $5)
     ORDER BY started_at, id LIMIT $3`,
    true,
  ),
  /** → backlog_key, runs: the backlogged runs of each backlog, a grouped read of runs_backlog. */
  backlogs: named(
    "fw_list_backlogs",
    `SELECT backlog_key, COUNT(*)::int AS runs FROM runs WHERE started_at IS NULL AND ready_at <= created_at
     GROUP BY backlog_key ORDER BY backlog_key`,
    true,
  ),
  /** $1 backlog key, $2 limit, $3 after queue_score, $4 after id: an index range on runs_backlog. */
  backlogRuns: named(
    "fw_list_backlog_runs",
    `SELECT * FROM runs WHERE backlog_key = $1 AND started_at IS NULL AND ready_at <= created_at
       AND (queue_score, id) > ($3, $4)
     ORDER BY queue_score, id LIMIT $2`,
    true,
  ),
  /**
   * $1 JSON array of step rows (distinct run id × step id), $2 owners, $3 nows (one per row, in order) → the
   * run id and step id of each row written: a row is written only while its owner holds a live lease on its
   * run (the run rows are share-locked in id order, so a concurrent claim by another owner waits, or wins and
   * fails this fence). One statement for the checkpoints of one event-loop turn (`write-coalescer.ts`).
   */
  saveStepsFenced: named(
    "fw_save_steps_fenced",
    `WITH input AS (
       SELECT s.*, f.owner AS fence_owner, f.now AS fence_now
       FROM json_populate_recordset(NULL::steps, $1::json) WITH ORDINALITY AS s
       JOIN unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS f(owner, now, ordinality) USING (ordinality)),
     held AS (
       SELECT input.* FROM input JOIN runs ON runs.id = input.run_id AND runs.lease_owner = input.fence_owner
         AND runs.lease_expires_at > input.fence_now AND runs.status NOT IN ${TERMINAL}
       ORDER BY runs.id FOR SHARE OF runs)
     INSERT INTO steps (${STEP_COLUMNS})
     SELECT ${STEP_COLUMNS} FROM held
     ${REPLACE_STEP}
     RETURNING run_id, id`,
    true,
  ),
  /** $1 JSON array of step rows: inserts or replaces each. */
  upsertSteps: named(
    "fw_upsert_steps",
    `INSERT INTO steps (${STEP_COLUMNS})
     SELECT ${STEP_COLUMNS} FROM json_populate_recordset(NULL::steps, $1::json)
     ${REPLACE_STEP}`,
    true,
  ),
  /** $1 JSON array of one step row: inserted unless the step exists. */
  insertStepIfAbsent: named(
    "fw_insert_step_if_absent",
    `INSERT INTO steps (${STEP_COLUMNS})
     SELECT ${STEP_COLUMNS} FROM json_populate_recordset(NULL::steps, $1::json)
     ON CONFLICT (run_id, id) DO NOTHING`,
  ),
  /** $1 JSON array of one step row: inserted, or replaces the stored step only while it is `waiting`. */
  completeWaiting: named(
    "fw_complete_waiting",
    `INSERT INTO steps (${STEP_COLUMNS})
     SELECT ${STEP_COLUMNS} FROM json_populate_recordset(NULL::steps, $1::json)
     ON CONFLICT (run_id, id) DO UPDATE SET status = EXCLUDED.status, output = EXCLUDED.output,
       event_id = EXCLUDED.event_id, ended_at = EXCLUDED.ended_at, wake_at = NULL
     WHERE steps.status = 'waiting'
     RETURNING 1`,
  ),
  /** $1 run id. */
  getSteps: named(
    "fw_get_steps",
    "SELECT * FROM steps WHERE run_id = $1 ORDER BY position, started_at",
    true,
  ),
  /** $1 run id, $2 step ids: those of them that are final. */
  finalSteps: named(
    "fw_final_steps",
    "SELECT id FROM steps WHERE run_id = $1 AND id = ANY($2::text[]) AND status IN ('completed', 'failed')",
  ),
  /** $1 run id, $2 step id. */
  getStepStatus: named("fw_get_step_status", "SELECT status FROM steps WHERE run_id = $1 AND id = $2"),
  /** $1 run id, $2 step id, $3 status, $4 output, $5 error, $6 event id, $7 ended at → a row if resolved. */
  resolveStep: named(
    "fw_resolve_step",
    `UPDATE steps SET status = $3, output = $4, error = $5, event_id = $6, ended_at = $7, wake_at = NULL
     WHERE run_id = $1 AND id = $2 AND status = 'waiting'
       AND ($6::text IS NULL OR NOT EXISTS (SELECT 1 FROM steps s WHERE s.run_id = $1 AND s.event_id = $6))
     RETURNING 1`,
  ),
  /** $1 JSON array of wait rows: inserts or replaces each. */
  upsertWaits: named(
    "fw_upsert_waits",
    `INSERT INTO waits SELECT * FROM json_populate_recordset(NULL::waits, $1::json)
     ON CONFLICT (id) DO UPDATE SET run_id = EXCLUDED.run_id, step_id = EXCLUDED.step_id,
       event_name = EXCLUDED.event_name, expression = EXCLUDED.expression,
       trigger_event = EXCLUDED.trigger_event, expires_at = EXCLUDED.expires_at,
       after_seq = EXCLUDED.after_seq, match_field = EXCLUDED.match_field, match_value = EXCLUDED.match_value`,
  ),
  /** $1 event name. */
  waitsFor: named("fw_list_waits", "SELECT * FROM waits WHERE event_name = $1", true),
  /**
   * $1 event names, $2 names, $3 fields, $4 values (distinct triples): the waits without a key for the
   * names, plus those whose key (name, field, value) is a triple.
   */
  waitsForEvents: named(
    "fw_list_waits_for_events",
    `SELECT * FROM waits WHERE event_name = ANY($1::text[]) AND match_field IS NULL
     UNION ALL
     SELECT waits.* FROM unnest($2::text[], $3::text[], $4::text[]) AS k(name, field, value)
       JOIN waits ON waits.event_name = k.name AND waits.match_field = k.field AND waits.match_value = k.value`,
    true,
  ),
  /** $1 event name: the distinct match fields, one index seek each (a skip scan), not one row per wait. */
  waitMatchFields: named(
    "fw_list_wait_match_fields",
    `WITH RECURSIVE f(field) AS (
       SELECT min(match_field) FROM waits WHERE event_name = $1
       UNION ALL
       SELECT (SELECT min(match_field) FROM waits WHERE event_name = $1 AND match_field > f.field)
       FROM f WHERE f.field IS NOT NULL)
     SELECT field FROM f WHERE field IS NOT NULL`,
    true,
  ),
  /** $1 wait id. */
  deleteWait: named("fw_delete_wait", "DELETE FROM waits WHERE id = $1"),
  /** $1 sorted lock keys of flow entries. */
  lockFlowKeys: named(
    "fw_lock_flow_keys",
    "SELECT pg_advisory_xact_lock(hashtextextended('fairway:flow:' || current_schema() || ':' || k, 0)) FROM unnest($1::text[]) AS k",
  ),
  /** $1 function ids, $2 kinds, $3 keys (pairwise). */
  getFlowPending: named(
    "fw_get_flow_pending",
    `SELECT flow_pending.* FROM unnest($1::text[], $2::text[], $3::text[]) AS k(function_id, kind, key)
       JOIN flow_pending USING (function_id, kind, key)`,
  ),
  /** $1 JSON array of flow_pending rows: inserts or replaces each. */
  upsertFlowPending: named(
    "fw_upsert_flow_pending",
    `INSERT INTO flow_pending SELECT * FROM json_populate_recordset(NULL::flow_pending, $1::json)
     ON CONFLICT (function_id, kind, key) DO UPDATE SET event_ids = EXCLUDED.event_ids,
       last_ts = EXCLUDED.last_ts, first_at = EXCLUDED.first_at, due_at = EXCLUDED.due_at`,
  ),
  /** $1 function ids, $2 kinds, $3 keys (pairwise). */
  deleteFlowPending: named(
    "fw_delete_flow_pending",
    `DELETE FROM flow_pending USING unnest($1::text[], $2::text[], $3::text[]) AS k(function_id, kind, key)
     WHERE flow_pending.function_id = k.function_id AND flow_pending.kind = k.kind AND flow_pending.key = k.key`,
  ),
  /** $1 run ids (distinct), $2 the reason of each → the ids of the runs found. */
  setWaitReasons: named(
    "fw_set_wait_reasons",
    `UPDATE runs SET wait_reason = w.reason FROM unnest($1::text[], $2::text[]) AS w(id, reason)
     WHERE runs.id = w.id RETURNING runs.id`,
  ),
  /** $1 function id, $2 key, $3 limits JSON, $4 updated at. */
  putLimitOverride: named(
    "fw_put_limit_override",
    `INSERT INTO limit_overrides (function_id, key, limits, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (function_id, key) DO UPDATE SET limits = EXCLUDED.limits, updated_at = EXCLUDED.updated_at`,
    true,
  ),
  /** $1 function id, $2 key. */
  getLimitOverride: named(
    "fw_get_limit_override",
    "SELECT * FROM limit_overrides WHERE function_id = $1 AND key = $2",
    true,
  ),
  /** $1 function id, $2 key → a row if one was deleted. */
  deleteLimitOverride: named(
    "fw_delete_limit_override",
    "DELETE FROM limit_overrides WHERE function_id = $1 AND key = $2 RETURNING 1",
  ),
  listLimitOverrides: named(
    "fw_list_limit_overrides",
    "SELECT * FROM limit_overrides ORDER BY function_id, key",
    true,
  ),
  /** $1 function id. */
  listFunctionLimitOverrides: named(
    "fw_list_function_limit_overrides",
    "SELECT * FROM limit_overrides WHERE function_id = $1 ORDER BY key",
    true,
  ),
  /** $1 JSON array of usage rows: inserts or replaces each (by id). */
  recordUsage: named(
    "fw_record_usage",
    `INSERT INTO usage SELECT * FROM json_populate_recordset(NULL::usage, $1::json)
     ON CONFLICT (id) DO UPDATE SET run_id = EXCLUDED.run_id, function_id = EXCLUDED.function_id,
       tenant_key = EXCLUDED.tenant_key, model = EXCLUDED.model, provider = EXCLUDED.provider, at = EXCLUDED.at,
       input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens,
       cached_input_tokens = EXCLUDED.cached_input_tokens`,
    true,
  ),
  /** $1 run id. */
  listUsage: named("fw_list_usage", "SELECT * FROM usage WHERE run_id = $1 ORDER BY at, id", true),
  listFlowPending: named("fw_list_flow_pending", "SELECT * FROM flow_pending ORDER BY due_at", true),
  /**
   * $1 until, $2 limit, $3 after due_at, $4 after function id, $5 after kind, $6 after key: the entries due by
   * $1 by (due_at, function_id, kind, key) on flow_pending_due.
   */
  dueFlowPending: named(
    "fw_list_due_flow_pending",
    `SELECT * FROM flow_pending WHERE due_at <= $1 AND (due_at, function_id, kind, key) > ($3, $4, $5, $6)
     ORDER BY due_at, function_id, kind, key LIMIT $2`,
    true,
  ),
  /**
   * $1 since (ms, exclusive), $2 limit, $3 after at, $4 after scope, $5 after run id: the admissions after $1
   * by (at, scope, run_id) on run_admissions_order (migration 15), what the engine rebuilds its windows from.
   */
  listAdmissions: named(
    "fw_list_admissions",
    `SELECT scope, at, run_id FROM run_admissions WHERE at > $1 AND (at, scope, run_id) > ($3, $4, $5)
     ORDER BY at, scope, run_id LIMIT $2`,
    true,
  ),

  // Retention (`retention.ts`, rules in `src/store/retention.ts`). Each statement deletes one batch in its
  // own autocommit transaction and locks what it deletes with SKIP LOCKED: two workers sweeping at once take
  // different rows and never wait for each other, and a row another transaction holds is left for the next
  // pass. The lock re-reads a row changed since the statement's snapshot and keeps it if it no longer
  // qualifies (a dedup key claimed again, a throttle time advanced, a singleton key taken by another run).
  // Deleting again what is left is harmless, so each is safe to resend.

  /**
   * $1 events received before (ms), $2 batch size → `n` deleted: the first $2 events (by seq) before the oldest
   * live run's position (`runs_live_event_seq`) that no debounce or batch holds, up to the first one received
   * at or after $1 (events arrive about in seq order: the cut stops where recent events begin).
   */
  deleteOldEvents: named(
    "fw_delete_old_events",
    `WITH held AS (
       SELECT jsonb_array_elements_text(event_ids::jsonb) COLLATE "C" AS id FROM flow_pending),
     head AS (
       SELECT seq, received_at FROM events
       WHERE seq < COALESCE((SELECT MIN(event_seq) FROM runs WHERE status NOT IN ${TERMINAL}), ${NO_SEQ})
         AND id NOT IN (SELECT id FROM held)
       ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED),
     doomed AS (SELECT seq FROM head
       WHERE seq < COALESCE((SELECT MIN(seq) FROM head WHERE received_at >= $1), ${NO_SEQ})),
     gone AS (DELETE FROM events e USING doomed d WHERE e.seq = d.seq RETURNING 1)
     SELECT COUNT(*)::int AS n FROM gone`,
    true,
  ),
  /** $1 expired at or before (ms), $2 batch size → `n` dedup keys deleted, oldest expiry first (`dedup_expires`). */
  deleteExpiredDedup: named(
    "fw_delete_expired_dedup",
    `WITH doomed AS (
       SELECT function_id, key FROM dedup WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2
       FOR UPDATE SKIP LOCKED),
     gone AS (DELETE FROM dedup d USING doomed x WHERE d.function_id = x.function_id AND d.key = x.key
       RETURNING 1)
     SELECT COUNT(*)::int AS n FROM gone`,
    true,
  ),
  /** $1 admitted at or before (ms), $2 batch size → `n` admissions deleted, oldest first (`run_admissions_order`). */
  deleteOldAdmissions: named(
    "fw_delete_old_admissions",
    `WITH doomed AS (
       SELECT scope, at, run_id FROM run_admissions WHERE at <= $1 ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED),
     gone AS (DELETE FROM run_admissions a USING doomed d
       WHERE a.scope = d.scope AND a.at = d.at AND a.run_id = d.run_id RETURNING 1)
     SELECT COUNT(*)::int AS n FROM gone`,
    true,
  ),
  /**
   * $1 after scope (keyset; "" first), $2 TAT at or before (ms), $3 batch size: looks at the next $3 throttles
   * by scope and deletes those whose TAT is ≤ $2 → `last` scope looked at, `examined`, `deleted`.
   */
  deletePastThrottles: named(
    "fw_delete_past_throttles",
    `WITH batch AS (SELECT scope FROM throttles WHERE scope > $1 ORDER BY scope LIMIT $3),
     doomed AS (SELECT t.scope FROM throttles t JOIN batch b ON b.scope = t.scope WHERE t.tat <= $2
       FOR UPDATE OF t SKIP LOCKED),
     gone AS (DELETE FROM throttles t USING doomed d WHERE t.scope = d.scope RETURNING 1)
     ${WALKED_BY_SCOPE}`,
    true,
  ),
  /**
   * $1 after scope (keyset; "" first), $2 batch size: looks at the next $2 singleton holders by scope and
   * deletes those whose run has ended or is gone (the row, run id included, as read: a key another run took
   * meanwhile stays) → `last` scope looked at, `examined`, `deleted`.
   */
  deleteEndedHolders: named(
    "fw_delete_ended_holders",
    `WITH batch AS (SELECT scope, run_id FROM singleton_holders WHERE scope > $1 ORDER BY scope LIMIT $2),
     doomed AS (SELECT h.scope FROM singleton_holders h
       JOIN batch b ON b.scope = h.scope AND b.run_id = h.run_id LEFT JOIN runs r ON r.id = h.run_id
       WHERE r.id IS NULL OR r.status IN ${TERMINAL} FOR UPDATE OF h SKIP LOCKED),
     gone AS (DELETE FROM singleton_holders h USING doomed d WHERE h.scope = d.scope RETURNING 1)
     ${WALKED_BY_SCOPE}`,
    true,
  ),
  /**
   * $1 after scope, $2 after run id (keyset; "" first), $3 batch size: looks at the next $3 slot rows and
   * deletes those whose run has ended or is gone → `last` scope and `last_run` looked at, `examined`, `deleted`.
   */
  deleteEndedSlots: named(
    "fw_delete_ended_slots",
    `WITH batch AS (SELECT scope, run_id FROM run_slots WHERE (scope, run_id) > ($1, $2)
       ORDER BY scope, run_id LIMIT $3),
     doomed AS (SELECT s.scope, s.run_id FROM run_slots s
       JOIN batch b ON b.scope = s.scope AND b.run_id = s.run_id LEFT JOIN runs r ON r.id = s.run_id
       WHERE r.id IS NULL OR r.status IN ${TERMINAL} FOR UPDATE OF s SKIP LOCKED),
     gone AS (DELETE FROM run_slots s USING doomed d WHERE s.scope = d.scope AND s.run_id = d.run_id
       RETURNING 1),
     ${walkedByPair("scope", "run_id")}`,
    true,
  ),
  /**
   * $1 ended before (ms), $2 batch size: looks at up to $2 deletable runs — terminal, ended before $1, no live
   * parent and no live child (`runs_live_children`) — oldest end first (`runs_ended`), locks them, and
   * deletes the first of them whose runs and steps fit in $2 rows (at least one), steps included →
   * `examined` runs, `runs` and `steps` deleted. `parent_run_id` has the database's collation and `id` "C":
   * the child lookup compares in the former, so that it is a probe of `runs_live_children` (equality is
   * the same in both), not a filter over every live child.
   */
  deleteEndedRuns: named(
    "fw_delete_ended_runs",
    `WITH candidates AS (
       SELECT r.id, r.ended_at FROM runs r
       WHERE r.status IN ${TERMINAL} AND r.ended_at < $1
         AND NOT EXISTS (SELECT 1 FROM runs p WHERE p.id = r.parent_run_id AND p.status NOT IN ${TERMINAL})
         AND NOT EXISTS (SELECT 1 FROM runs c
           WHERE c.parent_run_id = r.id COLLATE "default" AND c.status NOT IN ${TERMINAL})
       ORDER BY r.ended_at, r.id LIMIT $2 FOR UPDATE OF r SKIP LOCKED),
     sized AS (SELECT c.id, c.ended_at, 1 + (SELECT COUNT(*) FROM steps s WHERE s.run_id = c.id) AS size
       FROM candidates c),
     counted AS (SELECT id, SUM(size) OVER (ORDER BY ended_at, id) AS upto,
       ROW_NUMBER() OVER (ORDER BY ended_at, id) AS n FROM sized),
     doomed AS (SELECT id FROM counted WHERE upto <= $2 OR n = 1),
     steps_gone AS (DELETE FROM steps s USING doomed d WHERE s.run_id = d.id RETURNING 1),
     gone AS (DELETE FROM runs r USING doomed d WHERE r.id = d.id RETURNING 1)
     SELECT (SELECT COUNT(*) FROM candidates)::int AS examined, (SELECT COUNT(*) FROM gone)::int AS runs,
       (SELECT COUNT(*) FROM steps_gone)::int AS steps`,
    true,
  ),
  /** $1 made before (ms), $2 batch size → `n` usage records deleted, oldest first (`usage_at`). */
  deleteOldUsage: named(
    "fw_delete_old_usage",
    `WITH doomed AS (SELECT id FROM usage WHERE at < $1 ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED),
     gone AS (DELETE FROM usage u USING doomed d WHERE u.id = d.id RETURNING 1)
     SELECT COUNT(*)::int AS n FROM gone`,
    true,
  ),
  /**
   * $1 after scope, $2 after backlog key (keyset; "" first), $3 now (turns still waiting are kept), $4 served
   * before, $5 batch size: looks at the next $5 turns and deletes those that neither wait nor were served at
   * or after $4 → `last` scope and `last_run` backlog key looked at, `examined`, `deleted`.
   */
  deleteIdleTurns: named(
    "fw_delete_idle_turns",
    `WITH batch AS (SELECT scope, backlog_key FROM scope_turns WHERE (scope, backlog_key) > ($1, $2)
       ORDER BY scope, backlog_key LIMIT $5),
     doomed AS (SELECT t.scope, t.backlog_key FROM scope_turns t
       JOIN batch b ON b.scope = t.scope AND b.backlog_key = t.backlog_key
       WHERE t.waiting_until <= $3 AND t.served_at < $4 FOR UPDATE OF t SKIP LOCKED),
     gone AS (DELETE FROM scope_turns t USING doomed d WHERE t.scope = d.scope AND t.backlog_key = d.backlog_key
       RETURNING 1),
     ${walkedByPair("scope", "backlog_key")}`,
    true,
  ),
} satisfies Record<string, Statement>;
