/**
 * Functions the store installs in its schema on every start (`migrate`, after the migrations, under the same
 * lock), built from the statements they run so the two never drift: `CREATE OR REPLACE`, so each start brings
 * them to the text of the version that starts.
 *
 * `fairway_claim_slots` is a process's batch of claims with slots (`PostgresStore.claimWithSlots`,
 * `slot-claims.ts`), in ONE round trip and one transaction: the advisory lock of every scope of the batch, then
 * `fairway_admit_sets` (`admit-sets.ts`), which decides every scope set of the batch with one read and one
 * write. Being PL/pgSQL, their statements are planned once per connection, not per call, and claims of several
 * scope sets (a heavy tenant's and light tenants', which share the function's scope) leave together.
 *
 * `fairway_accept_events` is an accept that only stores events and the runs they trigger (`plain-accept.ts`),
 * in ONE round trip instead of a transaction of seven (BEGIN, the names' locks, the events, the runs, the
 * two reads of the offer to waits, COMMIT).
 *
 * @module
 */
import { ADMIT_SETS } from "./admit-sets.js";
import { statements } from "./statements.js";

/**
 * `fairway_claim_slots(p_ids, p_sets, p_substitute, p_owner, p_now, p_lease_end, p_scopes, p_limits,
 * p_scope_sets, p_locks)`: the advisory lock of every scope of the batch (`p_locks`, sorted as the store sorts
 * them, the same order every claim takes, so two never deadlock; `lockSlotScopes` records how long they were
 * waited for), then `fairway_admit_sets` with the other parameters and no throttle → its rows.
 */
const CLAIM_SLOTS = `
CREATE OR REPLACE FUNCTION fairway_claim_slots(
  p_ids text[], p_sets int[], p_substitute boolean[], p_owner text, p_now bigint, p_lease_end bigint,
  p_scopes text[], p_limits int[], p_scope_sets int[], p_locks text[])
RETURNS SETOF json LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  PERFORM * FROM (${statements.lockSlotScopes.text.replace(/\$1(?!\d)/g, "p_locks")}) AS locks;
  RETURN QUERY SELECT fairway_admit_sets(p_ids, p_sets, p_substitute, p_owner, p_now, p_lease_end, p_scopes,
    p_limits, p_scope_sets, NULL, NULL);
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
export const postgresRoutines: readonly string[] = [ADMIT_SETS, CLAIM_SLOTS, ACCEPT_EVENTS];
