/**
 * `fairway_admit_sets`: the admission and claim of a batch of claims with concurrency slots, every scope set
 * of the batch decided by four reads, an allocation in memory and ONE write, under the scope locks its caller
 * holds (`fairway_claim_slots` in `routines.ts`, or a throttled claim's transaction). Before, the batch ran one
 * statement per scope set; every light tenant is a set of its own (the function's scope and its key), so a
 * batch of twenty light tenants held the function's lock for twenty statements.
 *
 * The rules are those one process applies claim by claim, in the batch's order (sets in order, each set's
 * claims in the order asked):
 * - **Claimable**: due, not terminal, lease free, expired or the owner's (`claimableRun`). A run the owner
 *   holds live already (an abandoned execution's retry) is claimed again and keeps its slots (`held`).
 * - **Substitutes**: a run asked with `substitute` that is not claimable (another worker took it) is replaced
 *   by the next backlogged run of its backlog in serving order that its set did not ask for (`spareRun`),
 *   which takes its place in the order and comes back with `instead_of`.
 * - **Holders**: a scope's holders are its slot rows whose run holds a live lease and is not terminal, the
 *   batch's claimable runs apart, plus the batch's held runs (their rows exist), plus the runs admitted for
 *   earlier sets of the batch.
 * - **Room** of a set: the least, over its scopes, of its limit minus the holders. **Fair room**: minus, per
 *   scope, the backlogs waiting for a turn there (`scope_turns`, none of the batch's) that were served less
 *   recently than the set's least recently served backlog. Resumes take the room first (turns never hold one
 *   back); then first starts take up to the fair room, within what the resumes left.
 * - **Refused**: a candidate not admitted comes back with the set's tightest scope (least fair room, then name).
 * - **Turns**: each backlog of the batch records, per scope of its set, that it was served now (a run claimed)
 *   or waits until now + `TURN_KEPT_MS`.
 * A batch's turn records are made after the whole batch is decided, and a set's fair room leaves turns only to
 * waiting backlogs outside the batch: the batch's sets never hold each other back (their order is the engine's
 * serving order already), and turns only ever refuse, so no limit can be exceeded by it. (Counting the batch's
 * other waiting backlogs too made a set give up room to sets served in the same batch: in S4 no key ever
 * reached its per-key limit of 2.)
 *
 * @module
 */
import { NEVER_SERVED, TERMINAL, TURN_KEPT_MS } from "./statements.js";

/**
 * SQL: how long this transaction waited for its slot scopes' locks (ms, `lockSlotScopes` keeps it in the
 * setting `fairway.lock_wait`; 0 before or without it). A claim is decided and leased that much later than asked.
 */
const LOCK_WAIT = "COALESCE(NULLIF(current_setting('fairway.lock_wait', true), '')::bigint, 0)";

/**
 * SQL condition: run row `alias` may be claimed by `owner` at `now` (SQL expressions): due, not terminal, and its
 * lease free, expired or `owner`'s (a retry of an execution it abandoned).
 */
const claimableRun = (alias: string, now: string, owner: string) =>
  `${alias}.status NOT IN ${TERMINAL} AND ${alias}.ready_at IS NOT NULL AND ${alias}.ready_at <= ${now}
         AND (${alias}.lease_expires_at IS NULL OR ${alias}.lease_expires_at <= ${now} OR ${alias}.lease_owner = ${owner})`;

/**
 * SQL condition: run row `alias` is a backlogged run (never started, due when created; `runs_backlog`) that a
 * claim may take at `now` in place of a run of its backlog another worker took (a substitute): due, not
 * terminal, its lease free or expired.
 */
const spareRun = (alias: string, now: string) =>
  `${alias}.started_at IS NULL AND ${alias}.ready_at <= ${alias}.created_at AND ${alias}.ready_at <= ${now}
           AND ${alias}.status NOT IN ${TERMINAL}
           AND (${alias}.lease_expires_at IS NULL OR ${alias}.lease_expires_at <= ${now})`;

const NOW = "v_now";

/**
 * SQL: the `runs` row of each `input` row, looked up by its key. A plain join let the plan the session caches
 * for the routine hash the whole runs table on every claim (a fresh or fast-growing table's statistics make a
 * seq scan look cheap): 5,000 backlogged runs cost 1.5–5 ms per batch. `OFFSET 0` keeps the subquery from
 * being turned into that join.
 */
const RUN_OF_INPUT = "CROSS JOIN LATERAL (SELECT * FROM runs WHERE runs.id = input.id OFFSET 0) AS runs";

/** The batch's candidates as a relation (the arrays step 1 fills): one row per claimable or substituted run. */
const BATCH = `unnest(v_b_id, v_b_set, v_b_ord, v_b_resume, v_b_held, v_b_instead, v_b_backlog)
    AS f(id, claim_set, ord, resume, held, instead_of, backlog_key)`;

/**
 * `fairway_admit_sets(p_ids, p_sets, p_substitute, p_owner, p_now, p_lease_end, p_scopes, p_limits,
 * p_scope_sets, p_throttle, p_tats)`: the claims (run ids in order, each with its scope set's number, 1 to n,
 * and whether it may be substituted), their owner, now and lease end (ms, moved by the transaction's lock wait,
 * `LOCK_WAIT`), every set's scopes and limits (each with its set's number), and a throttle scope whose GCRA
 * time becomes `p_tats[k]` when k first starts are claimed (NULL: none; a throttled batch is one set) → one
 * JSON object per claimable or substituted run: the run's row, `resumed` (it had started before),
 * `refused_scope` (NULL when claimed) and `instead_of`. A run neither claimable nor substituted has no row.
 */
export const ADMIT_SETS = `
CREATE OR REPLACE FUNCTION fairway_admit_sets(
  p_ids text[], p_sets int[], p_substitute boolean[], p_owner text, p_now bigint, p_lease_end bigint,
  p_scopes text[], p_limits int[], p_scope_sets int[], p_throttle text, p_tats float8[])
RETURNS SETOF json LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_now bigint := p_now + ${LOCK_WAIT};
  v_lease_end bigint := p_lease_end + ${LOCK_WAIT};
  v_set_count int := COALESCE((SELECT MAX(s) FROM unnest(p_sets) AS s), 0);
  -- Per set (index = set number): held runs, resume and first-start candidates; what the allocation decides.
  v_held int[]; v_resumes int[]; v_starts int[];
  v_take_resumes int[]; v_take_starts int[]; v_refused_scope text[];
  -- Per scope of the batch: its holders (growing as sets are admitted).
  v_scope text[]; v_used int[];
  -- Per set and scope: the limit and the waiting backlogs ahead of the set.
  v_ss_set int[]; v_ss_scope text[]; v_ss_lim int[]; v_ss_ahead int[];
  v_k int; v_i int; v_at int; v_room int; v_fair int; v_free int; v_tight text; v_tight_free int; v_taken int;
  -- The batch's candidates (BATCH).
  v_b_id text[]; v_b_set int[]; v_b_ord bigint[]; v_b_resume boolean[]; v_b_held boolean[]; v_b_instead text[];
  v_b_backlog text[];
BEGIN
  -- 1. The batch's candidates: claimable runs, and substitutes for runs another worker took.
  WITH input AS (
      SELECT * FROM unnest(p_ids, p_sets, p_substitute) WITH ORDINALITY AS c(id, claim_set, may_substitute, ord)),
    claimable AS (
      SELECT runs.id, input.claim_set, input.ord, runs.started_at IS NOT NULL AS resume,
        COALESCE(runs.lease_owner = p_owner AND runs.lease_expires_at > ${NOW}, false) AS held, runs.backlog_key
      FROM input ${RUN_OF_INPUT}
      WHERE ${claimableRun("runs", NOW, "p_owner")}),
    missing AS (
      SELECT input.id, input.claim_set, input.ord, runs.backlog_key,
        ROW_NUMBER() OVER (PARTITION BY runs.backlog_key ORDER BY input.claim_set, input.ord) AS rank
      FROM input ${RUN_OF_INPUT}
      WHERE input.may_substitute AND input.id NOT IN (SELECT id FROM claimable)),
    spare AS (
      SELECT s.id, b.backlog_key, ROW_NUMBER() OVER (PARTITION BY b.backlog_key ORDER BY s.queue_score, s.id) AS rank
      FROM (SELECT backlog_key, COUNT(*) AS n FROM missing GROUP BY backlog_key) b
      CROSS JOIN LATERAL (
        SELECT runs.id, runs.queue_score FROM runs
        WHERE runs.backlog_key = b.backlog_key AND ${spareRun("runs", NOW)} AND runs.id <> ALL(p_ids)
        ORDER BY runs.queue_score, runs.id LIMIT b.n) s),
    batch AS (
      SELECT id, claim_set, ord, resume, held, NULL::text AS instead_of, backlog_key FROM claimable
      UNION ALL
      SELECT spare.id, missing.claim_set, missing.ord, false, false, missing.id, missing.backlog_key
      FROM missing JOIN spare ON spare.backlog_key = missing.backlog_key AND spare.rank = missing.rank)
  SELECT array_agg(id), array_agg(claim_set), array_agg(ord), array_agg(resume), array_agg(held),
    array_agg(instead_of), array_agg(backlog_key)
  INTO v_b_id, v_b_set, v_b_ord, v_b_resume, v_b_held, v_b_instead, v_b_backlog
  FROM batch;
  -- 2. Per set: held runs, resume and first-start candidates.
  SELECT array_agg(COALESCE(b.held, 0) ORDER BY k), array_agg(COALESCE(b.resumes, 0) ORDER BY k),
    array_agg(COALESCE(b.starts, 0) ORDER BY k)
  INTO v_held, v_resumes, v_starts
  FROM generate_series(1, v_set_count) AS k LEFT JOIN (
    SELECT claim_set, COUNT(*) FILTER (WHERE held) AS held, COUNT(*) FILTER (WHERE resume AND NOT held) AS resumes,
      COUNT(*) FILTER (WHERE NOT resume AND NOT held) AS starts
    FROM ${BATCH} GROUP BY claim_set) b ON b.claim_set = k;
  -- 3. Per scope: its holders outside the batch, plus the batch's held runs.
  SELECT array_agg(w.scope ORDER BY w.scope), array_agg((
      SELECT COUNT(*) FROM run_slots s JOIN runs r ON r.id = s.run_id
      WHERE s.scope = w.scope AND s.run_id NOT IN (SELECT f.id FROM ${BATCH} WHERE f.instead_of IS NULL)
        AND r.lease_expires_at > v_now AND r.status NOT IN ${TERMINAL})
    + (SELECT COUNT(*) FROM ${BATCH} JOIN unnest(p_scopes, p_scope_sets) AS x(scope, claim_set)
       ON x.claim_set = f.claim_set WHERE f.held AND x.scope = w.scope) ORDER BY w.scope)
  INTO v_scope, v_used
  FROM (SELECT DISTINCT scope FROM unnest(p_scopes) AS scope) w;
  -- 4. Per set and scope: its limit, and the waiting backlogs served less recently than the set's own.
  SELECT array_agg(ss.claim_set ORDER BY ss.ord), array_agg(ss.scope ORDER BY ss.ord), array_agg(ss.lim ORDER BY ss.ord),
    array_agg((
      SELECT COUNT(*) FROM scope_turns t
      WHERE t.scope = ss.scope AND t.waiting_until > v_now
        AND t.served_at < COALESCE((
          SELECT MIN(m.served_at) FROM scope_turns m
          WHERE m.scope = ss.scope AND m.backlog_key IN (
            SELECT f.backlog_key FROM ${BATCH} WHERE f.claim_set = ss.claim_set AND NOT f.held)),
          ${NEVER_SERVED})
        AND t.backlog_key NOT IN (SELECT f.backlog_key FROM ${BATCH}))::int
      ORDER BY ss.ord)
  INTO v_ss_set, v_ss_scope, v_ss_lim, v_ss_ahead
  FROM unnest(p_scopes, p_limits, p_scope_sets) WITH ORDINALITY AS ss(scope, lim, claim_set, ord);
  -- 5. The allocation, set by set in order.
  v_take_resumes := array_fill(0, ARRAY[v_set_count]);
  v_take_starts := array_fill(0, ARRAY[v_set_count]);
  v_refused_scope := array_fill(NULL::text, ARRAY[v_set_count]);
  FOR v_k IN 1..v_set_count LOOP
    v_room := NULL; v_fair := NULL; v_tight := NULL; v_tight_free := NULL;
    FOR v_i IN 1..COALESCE(array_length(v_ss_set, 1), 0) LOOP
      CONTINUE WHEN v_ss_set[v_i] <> v_k;
      v_at := array_position(v_scope, v_ss_scope[v_i]);
      v_free := v_ss_lim[v_i] - v_used[v_at];
      v_room := LEAST(v_room, v_free);
      v_fair := LEAST(v_fair, v_free - v_ss_ahead[v_i]);
      -- The tightest scope, as one set's statement ordered it: least fair room (its held runs apart), then name.
      IF v_tight IS NULL OR GREATEST(v_free + v_held[v_k] - v_ss_ahead[v_i], 0) < v_tight_free
        OR (GREATEST(v_free + v_held[v_k] - v_ss_ahead[v_i], 0) = v_tight_free AND v_ss_scope[v_i] < v_tight) THEN
        v_tight := v_ss_scope[v_i];
        v_tight_free := GREATEST(v_free + v_held[v_k] - v_ss_ahead[v_i], 0);
      END IF;
    END LOOP;
    v_refused_scope[v_k] := v_tight;
    -- A set without scopes (a throttled claim's, which has no slots) has no room to run out of.
    v_take_resumes[v_k] := LEAST(v_resumes[v_k], GREATEST(COALESCE(v_room, v_resumes[v_k]), 0));
    v_take_starts[v_k] := LEAST(v_starts[v_k],
      GREATEST(COALESCE(LEAST(v_fair, v_room - v_resumes[v_k]), v_starts[v_k]), 0));
    v_taken := v_take_resumes[v_k] + v_take_starts[v_k];
    FOR v_i IN 1..COALESCE(array_length(v_ss_set, 1), 0) LOOP
      CONTINUE WHEN v_ss_set[v_i] <> v_k;
      v_at := array_position(v_scope, v_ss_scope[v_i]);
      v_used[v_at] := v_used[v_at] + v_taken;
    END LOOP;
  END LOOP;
  -- 6. Claim the admitted runs, take their slots, drop stale slot rows, record the turns; return the outcomes.
  RETURN QUERY
  WITH batch AS (SELECT * FROM ${BATCH}),
    ranked AS (
      SELECT batch.*, ROW_NUMBER() OVER (PARTITION BY batch.claim_set, batch.resume ORDER BY batch.ord) AS rank
      FROM batch WHERE NOT batch.held),
    admitted AS (
      SELECT id, instead_of FROM batch WHERE held
      UNION ALL
      SELECT id, instead_of FROM ranked
      WHERE rank <= CASE WHEN resume THEN v_take_resumes[claim_set] ELSE v_take_starts[claim_set] END),
    locked AS (
      SELECT runs.id, runs.started_at IS NOT NULL AS resumed FROM runs WHERE runs.id IN (SELECT id FROM admitted)
        AND ${claimableRun("runs", NOW, "p_owner")}
      ORDER BY runs.id FOR UPDATE OF runs),
    claimed AS (
      UPDATE runs SET status = 'running', started_at = COALESCE(runs.started_at, v_now),
        lease_owner = p_owner, lease_expires_at = v_lease_end
      FROM locked WHERE runs.id = locked.id
      RETURNING runs.*, locked.resumed),
    set_scopes AS (SELECT * FROM unnest(p_scopes, p_scope_sets) AS x(scope, claim_set)),
    -- Each slot row's run is looked up by its key (a correlated subquery is not turned into a join; as a
    -- join, as with RUN_OF_INPUT, the whole runs table was hashed: 5.5 of 9 ms per batch).
    stale AS (
      DELETE FROM run_slots s
      WHERE s.scope = ANY(p_scopes) AND s.run_id <> ALL(p_ids)
        AND (SELECT r.lease_owner IS NULL OR r.status IN ${TERMINAL} FROM runs r WHERE r.id = s.run_id)),
    taken AS (
      INSERT INTO run_slots (scope, run_id)
      SELECT set_scopes.scope, claimed.id FROM claimed JOIN batch f ON f.id = claimed.id
        JOIN set_scopes ON set_scopes.claim_set = f.claim_set
      ON CONFLICT DO NOTHING),
    outcome AS (
      SELECT set_scopes.scope, f.backlog_key,
        bool_or(EXISTS (SELECT 1 FROM claimed WHERE claimed.backlog_key = f.backlog_key)) AS served
      FROM batch f JOIN set_scopes ON set_scopes.claim_set = f.claim_set
      GROUP BY set_scopes.scope, f.backlog_key),
    turns AS (
      INSERT INTO scope_turns (scope, backlog_key, served_at, waiting_until)
      SELECT scope, backlog_key,
        CASE WHEN served THEN v_now ELSE ${NEVER_SERVED} END,
        CASE WHEN served THEN 0 ELSE v_now + ${TURN_KEPT_MS} END
      FROM outcome
      ON CONFLICT (scope, backlog_key) DO UPDATE SET
        served_at = CASE WHEN EXCLUDED.waiting_until = 0 THEN EXCLUDED.served_at ELSE scope_turns.served_at END,
        waiting_until = EXCLUDED.waiting_until),
    throttled AS (
      INSERT INTO throttles (scope, tat)
      SELECT p_throttle, p_tats[n.k] FROM (SELECT COUNT(*) AS k FROM claimed WHERE NOT claimed.resumed) n
      WHERE p_throttle IS NOT NULL AND n.k > 0
      ON CONFLICT (scope) DO UPDATE SET tat = EXCLUDED.tat)
  SELECT to_json(claim_row) FROM (
    SELECT claimed.*, NULL::text AS refused_scope, admitted.instead_of
    FROM claimed JOIN admitted ON admitted.id = claimed.id
    UNION ALL
    SELECT runs.*, false, v_refused_scope[f.claim_set], f.instead_of
    FROM batch f JOIN runs USING (id)
    WHERE NOT f.held AND f.id NOT IN (SELECT id FROM admitted)) AS claim_row;
END
$fn$;
`;
