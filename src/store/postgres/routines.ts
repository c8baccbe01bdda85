/**
 * Functions the store installs in its schema on every start (`migrate`, after the migrations, under the same
 * lock), built from the statements they run so the two never drift: `CREATE OR REPLACE`, so each start brings
 * them to the text of the version that starts.
 *
 * `fairway_claim_slots` is a process's batch of claims with slots (`PostgresStore.claimWithSlots`,
 * `slot-claims.ts`), in ONE round trip and one transaction: the advisory lock of every scope of the batch in
 * the order given (`statements.lockSlotScopes`, which also records how long they were waited for, so the
 * claims are decided and leased from when they hold them), then, per scope set in order, `statements.admitAndClaimRuns` for that set's claims (each a
 * statement of its own, with a snapshot taken after the locks and after the sets before it, as one process
 * decides them one after another). Being PL/pgSQL, its statements are planned once per connection, not per
 * call (the inlined script it replaces was parsed and planned on every batch, ~2 ms while the scopes' locks
 * were held), and claims of several scope sets (a heavy tenant's and light tenants', which share the
 * function's scope) leave together instead of one round trip each behind the function scope's lock.
 *
 * `fairway_accept_events` is an accept that only stores events and the runs they trigger (`plain-accept.ts`),
 * in ONE round trip instead of a transaction of seven (BEGIN, the names' locks, the events, the runs, the
 * two reads of the offer to waits, COMMIT).
 *
 * @module
 */
import { ADMIT_AND_CLAIM, claimableRun, LOCK_WAIT, spareRun, statements } from "./statements.js";

/**
 * `admitAndClaimRuns`' parameters as the routine's variables (`$5` the set's scopes, `$7`/`$8` no throttle: a
 * throttled claim is a transaction of its own).
 */
const VARIABLES: Record<string, string> = {
  $1: "v_ids",
  $2: "p_owner",
  $3: "p_now",
  $4: "p_lease_end",
  $5: "v_scopes",
  $6: "v_limits",
  $7: "NULL::text",
  $8: "NULL::float8[]",
  $9: "v_substitute",
};

const withVariables = (text: string) => text.replace(/\$\d(?!\d)/g, (parameter) => VARIABLES[parameter]!);

/**
 * `fairway_claim_slots(p_ids, p_sets, p_substitute, p_owner, p_now, p_lease_end, p_scopes, p_limits,
 * p_scope_sets, p_locks)`: the claims (run ids in order, each with its scope set's number from 1 and whether
 * it may be substituted), their owner, now and lease end (ms), the scopes and limits of every set (each with
 * its set's number), and every scope to lock, sorted as the store sorts them (the same order every claim
 * takes, so two never deadlock) → one JSON object per row `admitAndClaimRuns` returns, sets in order. A set
 * none of whose runs is claimable, nor has a substitute in its backlog, is skipped: its statement would claim,
 * refuse and record nothing (it would only delete stale slot rows, which any later claim of the scopes does).
 * Every worker reads every backlog, so most claims of a light tenant's run reach the lock after another worker
 * took it: in S1 with 4 workers, batches of 9 or more scope sets held the function's lock for 0.5–1.5 s, one
 * statement per set.
 */
const CLAIM_SLOTS = `
CREATE OR REPLACE FUNCTION fairway_claim_slots(
  p_ids text[], p_sets int[], p_substitute boolean[], p_owner text, p_now bigint, p_lease_end bigint,
  p_scopes text[], p_limits int[], p_scope_sets int[], p_locks text[])
RETURNS SETOF json LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_now bigint;
  v_set int;
  v_ids text[];
  v_substitute boolean[];
  v_scopes text[];
  v_limits int[];
BEGIN
  PERFORM * FROM (${statements.lockSlotScopes.text.replace(/\$1(?!\d)/g, "p_locks")}) AS locks;
  v_now := p_now + ${LOCK_WAIT};
  FOR v_set IN
    SELECT DISTINCT c.claim_set FROM unnest(p_ids, p_sets, p_substitute) AS c(id, claim_set, sub)
      CROSS JOIN LATERAL (
        SELECT 1 FROM runs WHERE runs.id = c.id AND (${claimableRun("runs", "v_now", "p_owner")}
          OR (c.sub AND EXISTS (
            SELECT 1 FROM runs AS spare WHERE spare.backlog_key = runs.backlog_key AND ${spareRun("spare", "v_now")}
              AND spare.id NOT IN (SELECT x.id FROM unnest(p_ids, p_sets) AS x(id, claim_set) WHERE x.claim_set = c.claim_set))))
        LIMIT 1) AS has_work
    ORDER BY 1
  LOOP
    SELECT array_agg(c.id ORDER BY c.ord), array_agg(c.sub ORDER BY c.ord) INTO v_ids, v_substitute
    FROM unnest(p_ids, p_substitute, p_sets) WITH ORDINALITY AS c(id, sub, claim_set, ord)
    WHERE c.claim_set = v_set;
    SELECT array_agg(w.scope ORDER BY w.ord), array_agg(w.lim ORDER BY w.ord) INTO v_scopes, v_limits
    FROM unnest(p_scopes, p_limits, p_scope_sets) WITH ORDINALITY AS w(scope, lim, scope_set, ord)
    WHERE w.scope_set = v_set;
    RETURN QUERY ${withVariables(ADMIT_AND_CLAIM.ctes)}
    SELECT to_json(claim_row) FROM (${withVariables(ADMIT_AND_CLAIM.result)}) AS claim_row;
  END LOOP;
END
$fn$;
`;

/**
 * `fairway_accept_events(p_names, p_events, p_runs, p_run_events, p_offer)`: the sorted distinct event names,
 * the event rows and run rows (JSON arrays, as `insertEvents` and `insertRuns` take them), the id of each
 * run's event, and whether the events are offered to waits. Takes the names' shared locks
 * (`lockEventNamesShared`, as every accept does); if the events are offered and a wait for one of the names
 * exists, returns no rows and writes nothing (the caller runs the whole accept, which offers them); else
 * stores the events (`insertEvents`) and the runs, each with its event's `seq` as `event_seq`, and returns
 * each event's id and `seq`.
 */
const ACCEPT_EVENTS = `
CREATE OR REPLACE FUNCTION fairway_accept_events(
  p_names text[], p_events json, p_runs json, p_run_events text[], p_offer boolean)
RETURNS TABLE (stored_id text, stored_seq bigint) LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  PERFORM * FROM (${statements.lockEventNamesShared.text.replace(/\$1(?!\d)/g, "p_names")}) AS locks;
  IF p_offer AND EXISTS (SELECT 1 FROM waits WHERE waits.event_name = ANY(p_names)) THEN
    RETURN;
  END IF;
  RETURN QUERY WITH stored AS (${statements.insertEvents.text.replace(/\$1(?!\d)/g, "p_events")}),
    created AS (
      INSERT INTO runs SELECT run.*
      FROM json_array_elements(p_runs) WITH ORDINALITY AS r(value, ord)
        JOIN stored ON stored.id = p_run_events[r.ord]
        CROSS JOIN LATERAL jsonb_populate_record(json_populate_record(NULL::runs, r.value),
          jsonb_build_object('event_seq', stored.seq)) AS run)
    SELECT stored.id, stored.seq FROM stored;
END
$fn$;
`;

/** Every routine, in the order they are installed. */
export const postgresRoutines: readonly string[] = [CLAIM_SLOTS, ACCEPT_EVENTS];
