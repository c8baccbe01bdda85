/**
 * The shared store: PostgreSQL through `pg`, for many worker processes on one database. Each contract
 * method is one transaction (or one statement), every statement is named and prepared once per pooled
 * connection, runs are leased with conditional UPDATEs under the row lock, and transient failures are
 * retried with backoff. See `ARCHITECTURE.md` beside this file.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { ConfigError, StoreError, type StoreUrlSource } from "../../errors/index.js";
import { fieldsOf, knownFields } from "../../flow/config/validate.js";
import { FALLBACK_APPLICATION_NAME, printableUrl } from "../../peers/pg-connection.js";
import { checkMaxConnections, DEFAULT_MAX_CONNECTIONS } from "../../peers/pg-pool-size.js";
import type { AdmissionRecord, AdmissionsQuery } from "../admission-record.js";
import { checkRunFilter, decodeCursor, runsPage } from "../cursor.js";
import {
  type FilterConditions,
  runFilterConditions,
  USAGE_FILTER_CONDITIONS,
  whereConditions,
} from "../filter-conditions.js";
import { invokeOutcome } from "../invoke-outcome.js";
import type { LimitOverride } from "../limit-override.js";
import { waitResolution } from "../offer-waits.js";
import type { RetentionInput, RetentionResult } from "../retention.js";
import { type FlowPendingRowDb, toFlowPending } from "../sqlite/flow-pending-table.js";
import { type LimitOverrideRowDb, toOverride } from "../sqlite/limit-overrides-table.js";
import {
  type EventRowDb,
  fromStep,
  fromWait,
  type RunRowDb,
  type StepRowDb,
  toEvent,
  toStep,
  toWait,
  type WaitRowDb,
} from "../sqlite/rows.js";
import { toUsage, type UsageRowDb } from "../sqlite/usage-table.js";
import type {
  AcceptEventsInput,
  AcceptEventsResult,
  BacklogCursor,
  ClaimedRun,
  ClaimRefused,
  DueCursor,
  FinishedRun,
  FinishInput,
  FlowPending,
  FlowPendingCursor,
  LeaseFence,
  NewRun,
  RegisterWaitInput,
  RegisterWaitResult,
  ResolveStepInput,
  RunFilter,
  RunRecord,
  SlotRequest,
  StartedRunsQuery,
  StepRow,
  Store,
  StoredBacklog,
  StoredEvent,
  StoreWork,
  SuspendInput,
  SuspendResult,
  ThrottleRequest,
  WaitOffer,
  WaitRow,
} from "../store.js";
import type { UsageQuery, UsageRecord, UsageTotal } from "../usage-record.js";
import { admitDeferrals } from "./admit-deferrals.js";
import { type AdmissionCandidate, admitRuns } from "./admit-runs.js";
import { applyFlowUpdatesInTransaction } from "./apply-flow-updates.js";
import { throttledStarts } from "./claim-throttle.js";
import { loadPg } from "./load-pg.js";
import { migrate } from "./migrations.js";
import { decodeRow, decodeText, encodeText, jsonRows } from "./nul-safe-text.js";
import { offeredWaits } from "./offered-waits.js";
import { acceptPlain, eventRows, isPlainAccept, storedEvents } from "./plain-accept.js";
import { PostgresDatabase, type RetryOptions, type Transaction } from "./postgres-database.js";
import { postgresLocation } from "./postgres-location.js";
import { requirePostgresUrl } from "./postgres-url.js";
import { sweepRetention } from "./retention.js";
import { runOf, runRow } from "./run-rows.js";
import {
  lockedScopes,
  type SlotClaim,
  SlotClaimBatches,
  type SlotClaimSet,
  type SlotScopes,
  waited,
} from "./slot-claims.js";
import { statements } from "./statements.js";
import { isTransientPgError } from "./transient-error.js";
import { WorkListener } from "./work-listener.js";
import { workChannel } from "./work-notice.js";
import { WorkNotifier } from "./work-notifier.js";
import { WriteCoalescer } from "./write-coalescer.js";

/** Options of `PostgresStore`. */
export interface PostgresStoreOptions {
  /**
   * `postgres://user:password@host:5432/database` (or `postgresql://`). Default: the `DATABASE_URL`
   * environment variable, read when the store is created.
   */
  connectionString?: string;
  /**
   * Schema holding the tables; created on `init()`. Lowercase letters, digits, `_`. Default: the
   * connection string's `schema` query parameter (`postgres://host/db?schema=app`), else `"fairway"`.
   */
  schema?: string;
  /**
   * Most connections the pool opens, an integer from 1 to 262143 (PostgreSQL's largest
   * `max_connections`). Default 4 (or `pool.max`). The store batches its
   * statements (group commit, claim batches), so a worker needs few; what costs is the number of busy
   * backends on the database server: keep the sum over every worker on one database within about 2–6 per
   * server core (the PostgreSQL wiki's "Number Of Database Connections": active connections near twice the
   * cores). Measured on a 2-core server (`bench/fairness.ts --postgres --workers 4`): 4 workers with 10 each
   * started light runs at p99 0.7–1.4 s, with 1–3 each at 0.14–0.25 s and more heavy runs per second.
   */
  maxConnections?: number;
  /** How long to wait for a new connection before the try fails (and is retried), in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Retry of transient failures (see `isTransientPgError`). Default 5 tries, backoff 50 ms up to 2 s. */
  retry?: RetryOptions;
  /**
   * More `pg.Pool` settings (ssl, application_name, …), passed on unchecked; the options above take
   * precedence. `application_name` (what `pg_stat_activity` shows) defaults to `"fairway"` for the pool and
   * the LISTEN connection; an `application_name` here, in the connection string (`?application_name=`) or
   * in `PGAPPNAME` replaces it.
   */
  pool?: pg.PoolConfig;
  /**
   * Wake-up notices between workers (LISTEN/NOTIFY on the schema's channel): a commit that makes work
   * (backlogged runs, a resolved wait, a wake-up) tells the other workers, which read it at once instead of
   * at their next sweep; `subscribe` holds one connection besides the pool. `false`: nothing is sent and
   * `subscribe` listens to nothing (other workers find work by their sweeps). Default true.
   */
  notify?: boolean;
  /**
   * A monotonic clock (ms) that measures how long a claim with slots or a throttle waited in this process
   * (for its scopes' turn, and for a throttled claim's locks) before it is decided: it is decided at the
   * caller's `now` plus that wait, and its lease ends `leaseMs` after that (the wait on a batch's locks in
   * the database is added there, see `fairway_admit_sets` in `admit-sets.ts`). Tests inject one. Default
   * `performance.now`.
   */
  monotonicClock?: () => number;
}

/** A `saveStep` call waiting for its statement (`WriteCoalescer`). */
interface Checkpoint {
  step: StepRow;
  lease: LeaseFence;
}

/** The identity of a step row: its run id and step id (either may hold any character). */
function stepKey(runId: string, stepId: string): string {
  return JSON.stringify([runId, stepId]);
}

/** Writes checkpoints (distinct steps) in one fenced statement; the `stepKey`s of those written. */
async function writeCheckpoints(
  database: PostgresDatabase,
  checkpoints: Checkpoint[],
): Promise<Map<string, true>> {
  const written = await database.query<{ run_id: string; id: string }>(statements.saveStepsFenced, [
    jsonRows(checkpoints.map(({ step }) => fromStep(step))),
    checkpoints.map(({ lease }) => lease.owner),
    checkpoints.map(({ lease }) => lease.now),
  ]);
  return new Map(written.map((row) => [stepKey(row.run_id, row.id), true]));
}

/** A `claimRun` call waiting for its statement. */
interface Claim {
  runId: string;
  owner: string;
  now: number;
  leaseEnd: number;
}

/**
 * Claims runs (distinct ids) in one statement, then reads their steps in a second one (its fresh snapshot
 * sees every checkpoint the previous owner committed before the claim took the row); the claimed runs by id.
 */
async function claimRuns(database: PostgresDatabase, claims: Claim[]): Promise<Map<string, ClaimedRun>> {
  const rows = await database.query<RunRowDb>(statements.claimRuns, [
    claims.map((claim) => claim.runId),
    claims.map((claim) => claim.owner),
    claims.map((claim) => claim.now),
    claims.map((claim) => claim.leaseEnd),
  ]);
  const claimed = new Map<string, ClaimedRun>(rows.map((row) => [row.id, { run: runOf(row), steps: [] }]));
  if (claimed.size === 0) return claimed;
  const steps = await database.query<StepRowDb>(statements.stepsOfRuns, [[...claimed.keys()]]);
  for (const row of steps) claimed.get(row.run_id)?.steps.push(toStep(row));
  return claimed;
}

/** Ends runs (distinct ids, no parent) in one statement; the ended runs by id. */
async function finishRuns(
  database: PostgresDatabase,
  inputs: FinishInput[],
): Promise<Map<string, RunRecord>> {
  const rows = await database.query<RunRowDb>(statements.finishRuns, [
    inputs.map((input) => input.runId),
    inputs.map((input) => input.owner ?? null),
    inputs.map((input) => input.status),
    inputs.map((input) => input.outputText ?? null),
    inputs.map((input) => (input.error ? JSON.stringify(input.error) : null)),
    inputs.map((input) => input.endedAt),
  ]);
  return new Map(rows.map((row) => [row.id, runOf(row)]));
}

/** A `setWaitReason` call waiting for its statement. */
interface WaitReason {
  runId: string;
  reason: string;
}

/** Stores why runs waited (distinct ids) in one statement; the ids of the runs it found. */
async function writeWaitReasons(
  database: PostgresDatabase,
  reasons: WaitReason[],
): Promise<Map<string, true>> {
  const rows = await database.query<{ id: string }>(statements.setWaitReasons, [
    reasons.map((item) => item.runId),
    reasons.map((item) => item.reason),
  ]);
  return new Map(rows.map((row) => [row.id, true]));
}

/**
 * A row of `fairway_admit_sets`: the run, whether it had started before, the full scope that refused it, and
 * the run asked for when this one was claimed (or refused) in its place.
 */
type ClaimRowDb = RunRowDb & { resumed: boolean; refused_scope: string | null; instead_of: string | null };

/** The group commits of one pool. */
interface Coalescers {
  checkpoints: WriteCoalescer<Checkpoint, true>;
  claims: WriteCoalescer<Claim, ClaimedRun>;
  finishes: WriteCoalescer<FinishInput, RunRecord>;
  waitReasons: WriteCoalescer<WaitReason, true>;
}

/** An opened store: its pool, the group commits writing to it, and the wake-up notices it sends. */
interface Opened {
  database: PostgresDatabase;
  coalescers: Coalescers;
  notifier: WorkNotifier | undefined;
}

/** The fields of `PostgresStoreOptions`. */
const OPTION_FIELDS = knownFields<PostgresStoreOptions>({
  connectionString: true,
  schema: true,
  maxConnections: true,
  connectTimeoutMs: true,
  retry: true,
  pool: true,
  notify: true,
  monotonicClock: true,
});

/** The fields of `RetryOptions`. */
const RETRY_FIELDS = knownFields<RetryOptions>({
  attempts: true,
  minDelayMs: true,
  maxDelayMs: true,
});

/** `listRuns` filter conditions (`$` is replaced by the parameter's number). */
const FILTERS = runFilterConditions("concurrency_keys IS NOT NULL AND concurrency_keys::jsonb ? $::text");

/**
 * The conditions of `filter` with PostgreSQL placeholders: each value is appended to `values` and written as
 * `$n`; `mask` has a bit per field set (by its place in `conditions`), to name one statement per combination.
 */
function numberedConditions<F extends object>(
  conditions: FilterConditions<F>,
  filter: F,
  values: unknown[],
): { where: string[]; mask: number } {
  let mask = 0;
  const where = whereConditions(conditions, filter, (_field, value, index) => {
    values.push(value);
    mask |= 1 << index;
    return `$${values.length}`;
  });
  return { where, mask };
}

/** The `schema` query parameter of a connection URL, if any (`pg` ignores parameters it does not know). */
function schemaParameter(connectionString: string): string | undefined {
  try {
    return new URL(connectionString).searchParams.get("schema") ?? undefined;
  } catch {
    return undefined;
  }
}

/** int8 (BIGINT, oid 20) as a JS number: ms timestamps and sequence numbers stay far below 2^53. */
const INT8_OID = 20;

/**
 * Store on PostgreSQL: any number of Fairway processes may share one database (and schema). `pg` is
 * loaded on first use.
 *
 * @example
 * import { PostgresStore } from "fairway/store/postgres";
 * const fairway = new Fairway({ id: "app", store: new PostgresStore({ connectionString: process.env.DATABASE_URL }) });
 * // or: new Fairway({ id: "app", store: "postgres://localhost/app" }), or DATABASE_URL alone.
 *
 * @throws ConfigError (when created) naming `connectionString` (missing, or not a postgres:// URL; named
 *   `DATABASE_URL` when that variable gave it), `schema`, `maxConnections`, `connectTimeoutMs`, `retry.*`,
 *   `monotonicClock`, or an unknown field (`maxConnection`, `retry.attempt`: the message lists the known
 *   ones; `pool`'s fields are `pg`'s and are not checked). Its methods throw StoreError (`store_failed`,
 *   `retryable` for transient failures that outlasted the retries), and StoreConnectionError
 *   (`store_connection_refused`) when the server refuses the URL's database, role or password: its message
 *   says to fix the URL where it came from (`urlSource`).
 */
export class PostgresStore implements Store {
  readonly kind = "postgres";
  /** Several workers share the database: limits and admission are decided here (see `Store.shared`). */
  readonly shared = true;
  readonly location: string;
  /** The schema the tables live in. */
  readonly schema: string;
  private readonly options: PostgresStoreOptions;
  private readonly connectionString: string;
  /**
   * Where the URL came from: the client's `store` option, `connectionString`, `DATABASE_URL` (no
   * `connectionString`), or `fairway start --database-url` (which sets `DATABASE_URL`). A
   * `StoreConnectionError` says to fix it there; `fairway start --database-url` refuses an app whose store
   * did not read `DATABASE_URL`.
   */
  readonly urlSource: StoreUrlSource;
  private opening: Promise<Opened> | undefined;
  /** The group commits of the pool opened last (for `commitStats`). */
  private coalescing: Coalescers | undefined;
  private migrated: Promise<void> | undefined;
  /**
   * Claims with slots or a throttle of one scope wait for each other here, in memory, before their
   * transaction (the database serializes them on the scope's lock anyway, and waiting there would hold a
   * pooled connection), and leave in batches.
   */
  private readonly slotClaims = new SlotClaimBatches<ClaimedRun | ClaimRefused>((sets) =>
    this.claimWithSlots(sets),
  );
  /** Measures a claim's wait for its scopes (`PostgresStoreOptions.monotonicClock`). */
  private readonly monotonic: () => number;
  /** This store's id on the notice channel (it ignores its own notices). */
  private readonly sender = randomUUID();
  /** The notifier of the pool opened last (notices are sent after commits, never awaited by them). */
  private notifier: WorkNotifier | undefined;
  private readonly listeners = new Set<WorkListener>();

  /**
   * @param urlSource where `connectionString` came from, what a `StoreConnectionError` tells the user to
   *   fix and a bad URL's ConfigError names. Default `"connectionString"`, or `"DATABASE_URL"` when the
   *   option is absent and the environment variable gives the URL; the client passes `"store"` for its
   *   `store` option.
   */
  constructor(options: PostgresStoreOptions = {}, urlSource?: StoreUrlSource) {
    fieldsOf(options, "", OPTION_FIELDS);
    const connectionString = options.connectionString ?? process.env.DATABASE_URL;
    if (connectionString === undefined || connectionString === "") {
      throw new ConfigError(
        "connectionString",
        "is required: pass a postgres:// URL or set the DATABASE_URL environment variable",
      );
    }
    const source =
      urlSource ?? (options.connectionString === undefined ? "DATABASE_URL" : "connectionString");
    requirePostgresUrl(source, connectionString);
    const schema = options.schema ?? schemaParameter(connectionString) ?? "fairway";
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new ConfigError(
        "schema",
        "must be 1-63 lowercase letters, digits or _ (not starting with a digit)",
        schema,
      );
    }
    checkMaxConnections(options.maxConnections);
    const { connectTimeoutMs } = options;
    if (connectTimeoutMs !== undefined && (!Number.isInteger(connectTimeoutMs) || connectTimeoutMs < 1))
      throw new ConfigError("connectTimeoutMs", "must be an integer >= 1", connectTimeoutMs);
    if (options.retry !== undefined) fieldsOf(options.retry, "retry", RETRY_FIELDS);
    const retry = options.retry ?? {};
    if (retry.attempts !== undefined && (!Number.isInteger(retry.attempts) || retry.attempts < 1))
      throw new ConfigError("retry.attempts", "must be an integer >= 1", retry.attempts);
    for (const field of ["minDelayMs", "maxDelayMs"] as const) {
      const value = retry[field];
      if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0))
        throw new ConfigError(`retry.${field}`, "must be a finite number of ms >= 0", value);
    }
    if (options.monotonicClock !== undefined && typeof options.monotonicClock !== "function")
      throw new ConfigError("monotonicClock", "must be a function returning ms", options.monotonicClock);
    this.options = options;
    this.monotonic = options.monotonicClock ?? (() => performance.now());
    this.connectionString = connectionString;
    this.urlSource = source;
    this.schema = schema;
    this.location = postgresLocation(connectionString, schema);
  }

  /**
   * What the pool's connections and the LISTEN connection share: `pool`'s settings, the URL, the connect
   * timeout, and `application_name` "fairway" as the fallback (`pg` sends the fallback only when neither
   * the URL, `pool.application_name` nor `PGAPPNAME` names the application).
   */
  private connectionConfig(): pg.PoolConfig {
    return {
      fallback_application_name: FALLBACK_APPLICATION_NAME,
      ...this.options.pool,
      connectionString: this.connectionString,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 5000,
    };
  }

  /** The pool and its group commits, created on first use. */
  private open(): Promise<Opened> {
    this.opening ??= loadPg().then(({ default: driver }) => {
      const pool = new driver.Pool({
        ...this.connectionConfig(),
        max: this.options.maxConnections ?? this.options.pool?.max ?? DEFAULT_MAX_CONNECTIONS,
        options: `-c search_path=${this.schema}`,
        types: {
          getTypeParser: ((oid: number, format?: "text" | "binary") =>
            oid === INT8_OID
              ? Number
              : driver.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
        },
      });
      // An idle connection that dies (database restart) is dropped by the pool and reopened on the next
      // checkout; without a listener the event would crash the process.
      pool.on("error", () => {});
      const database = new PostgresDatabase(pool, this.options.retry, undefined, {
        url: printableUrl(this.connectionString),
        source: this.urlSource,
      });
      const coalescers: Coalescers = {
        checkpoints: new WriteCoalescer({
          key: ({ step }) => stepKey(step.runId, step.id),
          write: (checkpoints) => writeCheckpoints(database, checkpoints),
        }),
        claims: new WriteCoalescer({
          key: ({ runId }) => runId,
          write: (claims) => claimRuns(database, claims),
        }),
        finishes: new WriteCoalescer({
          key: ({ runId }) => runId,
          write: (ends) => finishRuns(database, ends),
        }),
        waitReasons: new WriteCoalescer({
          key: ({ runId }) => runId,
          write: (reasons) => writeWaitReasons(database, reasons),
        }),
      };
      this.coalescing = coalescers;
      const channel = workChannel(this.schema);
      const notifier =
        this.options.notify === false
          ? undefined
          : new WorkNotifier(this.sender, (payload) =>
              database.query(statements.notifyWork, [channel, payload]),
            );
      this.notifier = notifier;
      return { database, coalescers, notifier };
    });
    return this.opening;
  }

  /** The pool, created on first use. */
  private async database(): Promise<PostgresDatabase> {
    return (await this.open()).database;
  }

  /** The group commits (`saveStep`, `claimRun`, `finishRun`, `setWaitReason`) of the pool. */
  private async coalescers(): Promise<Coalescers> {
    return (await this.open()).coalescers;
  }

  /** Runs `work` in one transaction. */
  private async transaction<T>(label: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return (await this.database()).transaction(label, work);
  }

  /**
   * The runs of a keyset-paged statement: its `values`, then the cursor, the position and id of the last run
   * of the previous page (from the first run when absent).
   */
  private async runsAfter(
    statement: (typeof statements)[keyof typeof statements],
    values: unknown[],
    position: number | undefined,
    id: string | undefined,
  ): Promise<RunRecord[]> {
    const cursor = [position ?? Number.MIN_SAFE_INTEGER, id ?? ""];
    return (await this.query<RunRowDb>(statement, [...values, ...cursor])).map(runOf);
  }

  /** Runs one named statement. */
  private async query<Row>(statement: (typeof statements)[keyof typeof statements], values: unknown[]) {
    return (await this.database()).query<Row>(statement, values);
  }

  /**
   * Counters of the group commits (`saveStep`, `claimRun`, `finishRun`, `setWaitReason`): statements sent (each its own
   * transaction) and the calls they carried; their ratio is the batch size. Zero before first use.
   */
  commitStats(): { transactions: number; writes: number } {
    const totals = { transactions: 0, writes: 0 };
    for (const coalescer of Object.values(this.coalescing ?? {})) {
      const { statements: sent, items } = coalescer.stats();
      totals.transactions += sent;
      totals.writes += items;
    }
    return totals;
  }

  /** Creates the schema or migrates it (advisory lock: safe when several workers start at once). */
  async init(): Promise<void> {
    this.migrated ??= this.database()
      .then((db) => db.session("init", (client) => migrate(client, this.schema)))
      .catch((error: unknown) => {
        this.migrated = undefined;
        throw error;
      });
    return this.migrated;
  }

  /** `SELECT 1` on a pooled connection, tried once (see `Store.ping`). Opens the pool if needed. */
  async ping(): Promise<void> {
    await (await this.database()).ping();
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    this.migrated = undefined;
    this.coalescing = undefined;
    this.notifier = undefined;
    if (!opening) return;
    for (const listener of [...this.listeners]) await listener.stop();
    this.listeners.clear();
    const { database, coalescers, notifier } = await opening;
    await Promise.all(Object.values(coalescers).map((coalescer) => coalescer.drain()));
    await notifier?.drain();
    await database.pool.end();
  }

  /**
   * Listens for the wake-up notices of other stores on this schema (one connection besides the pool, kept
   * open and reconnected with backoff). See `Store.subscribe`; with `notify: false`, listens to nothing.
   * Throws StoreError (`store_failed`, `retryable` for a transient failure) if the first connection or its
   * LISTEN fails; the caller retries its start.
   */
  async subscribe(onWork: (work: StoreWork) => void): Promise<() => Promise<void>> {
    if (this.options.notify === false) return async () => {};
    const { default: driver } = await loadPg();
    const listener = new WorkListener({
      client: () => new driver.Client(this.connectionConfig()),
      channel: workChannel(this.schema),
      self: this.sender,
      onWork,
    });
    try {
      await listener.start();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new StoreError(`PostgreSQL store: subscribe failed: ${detail}`, {
        cause: error,
        retryable: isTransientPgError(error),
      });
    }
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
      await listener.stop();
    };
  }

  async acceptEvents(input: AcceptEventsInput): Promise<AcceptEventsResult> {
    const result =
      (isPlainAccept(input) ? await acceptPlain(await this.database(), input) : undefined) ??
      (await this.transaction("acceptEvents", (tx) => this.accept(tx, input)));
    this.notifier?.created(result.runs);
    if (result.woken && result.woken.length > 0) this.notifier?.due(input.now);
    if (result.flow) this.notifier?.pendingWritten(result.flow);
    return result;
  }

  /** Body of `acceptEvents`, inside the caller's transaction. */
  private async accept(tx: Transaction, input: AcceptEventsInput): Promise<AcceptEventsResult> {
    const events = await this.insertEvents(tx, input.events);
    const deferrals = await admitDeferrals(tx, input);
    const flow = await applyFlowUpdatesInTransaction(tx, deferrals.updates, events);
    const runs: RunRecord[] = [];
    const candidates: AdmissionCandidate[] = [];
    let latestSeq: number | undefined;
    const entries: Array<NewRun & { eventIndex?: number }> = [
      ...input.runs,
      ...deferrals.refused,
      ...flow.runs,
    ];
    for (const entry of entries) {
      if (entry.dedup) {
        const { functionId, key, expiresAt } = entry.dedup;
        const claimed = await tx.query(statements.claimDedup, [functionId, key, expiresAt, input.now]);
        if (claimed.length === 0) continue;
      }
      let seq: number;
      if (entry.eventIndex === undefined) {
        latestSeq ??= (await tx.query<{ seq: number | null }>(statements.maxSeq))[0]?.seq ?? 0;
        seq = latestSeq;
      } else seq = events[entry.eventIndex]?.seq ?? 0;
      const run = { ...structuredClone(entry.run), eventSeq: seq };
      runs.push(run);
      if (entry.admission) candidates.push({ run, admission: entry.admission });
    }
    const replaced = await admitRuns(tx, candidates, input.now, deferrals.locked);
    if (runs.length > 0) await tx.query(statements.insertRuns, [jsonRows(runs.map(runRow))]);
    const result: AcceptEventsResult = input.flow ? { events, runs, flow: flow.written } : { events, runs };
    if (replaced.length > 0) result.replaced = replaced;
    return input.offer ? { ...result, woken: await this.offer(tx, events, input.offer, input.now) } : result;
  }

  /**
   * Offers stored `events` to pending waits (`AcceptEventsInput.offer`) in the accept's transaction. The
   * events are not committed yet, so no other transaction can consume one of them for the same run: the
   * resolution takes no per-run event lock (`lockRunEvents`), which `registerWait` takes before the event
   * name lock this transaction holds (the reverse order would deadlock).
   */
  private async offer(tx: Transaction, events: StoredEvent[], offer: WaitOffer, now: number) {
    const offered = events.map((event) => ({ name: event.name, candidate: offer.candidate(event) }));
    const waits = await offeredWaits(tx, offered);
    const woken = new Set<string>();
    for (const [index, event] of events.entries()) {
      const candidate = offered[index]?.candidate;
      const resolutions = (waits[index] ?? []).flatMap(
        (wait) => waitResolution(offer, wait, event, candidate, now) ?? [],
      );
      for (const resolution of resolutions)
        if (await this.resolve(tx, resolution, false)) woken.add(resolution.runId);
    }
    return [...woken];
  }

  /**
   * Stores events in one statement. Takes a shared advisory lock per event name first: `registerWait`
   * holds the exclusive one while it looks for a stored match and writes its wait, so an event is either
   * seen by that look or committed after the wait is visible to `listWaits`, never missed in between.
   */
  private async insertEvents(tx: Transaction, events: AcceptEventsInput["events"]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    await tx.query(statements.lockEventNamesShared, [[...new Set(events.map((event) => event.name))].sort()]);
    const stored = await tx.query<{ id: string; seq: number }>(statements.insertEvents, [eventRows(events)]);
    return storedEvents(events, stored);
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    const [row] = await this.query<EventRowDb>(statements.getEvent, [id]);
    return row ? toEvent(row) : undefined;
  }

  claimRun(runId: string, owner: string, now: number, leaseMs: number): Promise<ClaimedRun | undefined>;
  claimRun(
    runId: string,
    owner: string,
    now: number,
    leaseMs: number,
    slots: readonly SlotRequest[],
    throttle?: ThrottleRequest,
    substitute?: boolean,
  ): Promise<ClaimedRun | ClaimRefused | undefined>;
  /**
   * A claim without slots or throttle leaves with the other claims of its event-loop turn (`claimRuns`). A
   * claim with slots only waits for this process's other claims of its scopes, then leaves with the claims
   * queued behind it with the same scopes and limits as one transaction (`slot-claims.ts`, `claimWithSlots`).
   * A claim with a throttle is batched the same way with the claims of the same scopes and throttle, and
   * its batch's first starts are held to the throttle together (`claimThrottled`).
   */
  async claimRun(
    runId: string,
    owner: string,
    now: number,
    leaseMs: number,
    slots: readonly SlotRequest[] = [],
    throttle?: ThrottleRequest,
    substitute = false,
  ): Promise<ClaimedRun | ClaimRefused | undefined> {
    if (slots.length === 0 && throttle === undefined)
      return (await this.coalescers()).claims.write({ runId, owner, now, leaseEnd: now + leaseMs });
    const limits = new Map<string, number>();
    for (const { scope, limit } of slots) limits.set(scope, Math.min(limit, limits.get(scope) ?? limit));
    const scopes = [...limits.keys()].sort();
    const scoped: SlotScopes = { scopes, limits: scopes.map((scope) => limits.get(scope)!) };
    if (throttle !== undefined) scoped.throttle = throttle;
    const claim: SlotClaim = {
      runId,
      owner,
      now,
      leaseEnd: now + leaseMs,
      substitute: substitute && throttle === undefined,
    };
    if (this.slotClaims.busy(scoped)) claim.waitingSince = this.monotonic();
    return this.slotClaims.claim(scoped, claim);
  }

  /**
   * One transaction for a batch of claims of one owner (`slot-claims.ts`), one round trip: the
   * `fairway_claim_slots` routine (`routines.ts`) takes every scope's advisory lock in sorted order, then
   * runs `fairway_admit_sets` for every scope set at once, so the locks are never held across a client round trip;
   * then the steps of the claimed runs that had started before (a fresh snapshot, as `claimRuns`; a run
   * never claimed has written none, so a batch of fresh runs skips that round trip). The batch's latest `now`
   * and lease end stand for all of its claims, each moved by the time the claim waited here (`waited`); the
   * routine adds the time it waited for the locks. A batch with a throttle (one scope set) is
   * `claimThrottled`.
   */
  private async claimWithSlots(sets: SlotClaimSet[]): Promise<Map<string, ClaimedRun | ClaimRefused>> {
    const sentAt = this.monotonic();
    const throttle = sets[0]!.scopes.throttle;
    if (throttle !== undefined)
      return this.claimThrottled(sets[0]!.scopes, throttle, sets[0]!.claims, sentAt);
    const claims = sets.flatMap((set, index) => set.claims.map((claim) => ({ claim, set: index + 1 })));
    const scopes = sets.flatMap((set, index) =>
      set.scopes.scopes.map((scope, position) => ({
        scope,
        limit: set.scopes.limits[position]!,
        set: index + 1,
      })),
    );
    const locks = [...new Set(sets.flatMap((set) => set.scopes.scopes))].sort();
    const times = claims.map(({ claim }) => waited(claim, sentAt));
    const rows = await this.query<{ claim_row: ClaimRowDb }>(statements.claimSlots, [
      claims.map(({ claim }) => claim.runId),
      claims.map(({ set }) => set),
      claims.map(({ claim }) => claim.substitute),
      claims[0]!.claim.owner,
      Math.max(...times.map((time) => time.now)),
      Math.max(...times.map((time) => time.leaseEnd)),
      scopes.map(({ scope }) => encodeText(scope)),
      scopes.map(({ limit }) => limit),
      scopes.map(({ set }) => set),
      locks.map(encodeText),
    ]);
    return this.claimOutcomes(rows.map(({ claim_row }) => decodeRow(claim_row)));
  }

  /**
   * Claims with a throttle (one owner, scopes and throttle), one transaction: the advisory locks of the
   * scopes and of `throttle:<scope>` in sorted order; the runs' rows locked and the throttle's TAT read
   * (`throttledStarts`), GCRA applied to the first starts in the batch's order, the ones that do not conform
   * refused with the time they would; then `fairway_admit_sets` claims the rest while the scopes have room and
   * stores the TAT of the first starts it claimed; then the steps of resumed runs. Round trips: BEGIN,
   * lock, state, claim, COMMIT (+ 1 for resumed runs' steps) for the whole batch, so one throttle key starts
   * as many runs per transaction as its GCRA and slots allow.
   */
  private async claimThrottled(
    { scopes, limits, ...scoped }: SlotScopes,
    throttle: ThrottleRequest,
    claims: SlotClaim[],
    sentAt: number,
  ): Promise<Map<string, ClaimedRun | ClaimRefused>> {
    const owner = claims[0]!.owner;
    const now = Math.max(...claims.map((claim) => waited(claim, sentAt).now));
    const leaseEnd = Math.max(...claims.map((claim) => waited(claim, sentAt).leaseEnd));
    const { starts, rows } = await this.transaction("claimRun", async (tx) => {
      const [lock] = await tx.query<{ waited: number }>(statements.lockSlotScopes, [
        lockedScopes({ scopes, limits, ...scoped }).map(encodeText),
      ]);
      // GCRA decides at the time the locks are held; `fairway_admit_sets` adds the same wait itself.
      const starts = await throttledStarts(
        tx,
        claims.map((claim) => claim.runId),
        owner,
        now + (lock?.waited ?? 0),
        throttle,
      );
      if (starts.claim.length === 0) return { starts, rows: [] };
      const rows = await tx.query<{ claim_row: ClaimRowDb }>(statements.admitSets, [
        starts.claim,
        starts.claim.map(() => 1),
        starts.claim.map(() => false),
        owner,
        now,
        leaseEnd,
        scopes.map(encodeText),
        limits,
        scopes.map(() => 1),
        throttle.scope,
        starts.tats,
      ]);
      return { starts, rows: rows.map(({ claim_row }) => decodeRow(claim_row)) };
    });
    const outcomes = await this.claimOutcomes(rows);
    for (const [runId, retryAt] of starts.refused)
      outcomes.set(runId, { refused: true, scope: throttle.scope, retryAt });
    return outcomes;
  }

  /** Each claim row's outcome by run id; the claimed runs that had started before get their steps read. */
  private async claimOutcomes(rows: ClaimRowDb[]): Promise<Map<string, ClaimedRun | ClaimRefused>> {
    const outcomes = new Map<string, ClaimedRun | ClaimRefused>();
    /** Claimed runs that had started before: only they can have steps. */
    const resumed = new Map<string, ClaimedRun>();
    for (const { resumed: wasStarted, refused_scope, instead_of, ...row } of rows) {
      const asked = instead_of ?? row.id;
      if (refused_scope !== null) {
        outcomes.set(asked, { refused: true, scope: decodeText(refused_scope) });
        continue;
      }
      const claimed: ClaimedRun = { run: runOf(row), steps: [] };
      outcomes.set(asked, claimed);
      if (wasStarted) resumed.set(row.id, claimed);
    }
    if (resumed.size === 0) return outcomes;
    const steps = await this.query<StepRowDb>(statements.stepsOfRuns, [[...resumed.keys()]]);
    for (const row of steps) resumed.get(row.run_id)?.steps.push(toStep(row));
    return outcomes;
  }

  async renewLeases(owner: string, runIds: string[], until: number, now: number): Promise<string[]> {
    if (runIds.length === 0) return [];
    const renewed = await this.query<{ id: string }>(statements.renewLeases, [owner, runIds, until, now]);
    const kept = new Set(renewed.map((row) => row.id));
    return runIds.filter((id) => !kept.has(id));
  }

  async releaseLeases(owner: string): Promise<void> {
    await this.query(statements.releaseLeases, [owner]);
  }

  async saveStep(step: StepRow, lease: LeaseFence): Promise<boolean> {
    return (await (await this.coalescers()).checkpoints.write({ step, lease })) ?? false;
  }

  async suspendRun(input: SuspendInput): Promise<SuspendResult | undefined> {
    const suspended = await this.transaction("suspendRun", async (tx) => {
      const held = await tx.query(statements.lockHeld, [input.runId, input.owner, input.now]);
      if (held.length === 0) return undefined;
      if (input.steps.length > 0)
        await tx.query(statements.upsertSteps, [jsonRows(input.steps.map(fromStep))]);
      if (input.waits.length > 0)
        await tx.query(statements.upsertWaits, [jsonRows(input.waits.map(fromWait))]);
      const accepted = input.children.runs.length > 0 ? await this.accept(tx, input.children) : undefined;
      const children = accepted?.runs ?? [];
      // A child skipped here (admission decided across workers) fails its parent's invoke step at once, as
      // the engine does for one it skipped itself (the step is still waiting only in the first case).
      for (const child of children)
        if (child.status === "skipped") await this.settleParent(tx, child, input.now);
      let readyAt = input.readyAt;
      if (input.awaiting.length > 0) {
        const final = await tx.query(statements.finalSteps, [input.runId, input.awaiting]);
        if (final.length > 0) readyAt = input.now;
      }
      await tx.query(statements.suspendRun, [input.runId, input.status, readyAt, input.attempt]);
      const result: SuspendResult = { readyAt, children };
      if (accepted?.replaced) result.replaced = accepted.replaced;
      return result;
    });
    if (suspended) {
      this.notifier?.due(suspended.readyAt);
      this.notifier?.created(suspended.children);
    }
    return suspended;
  }

  async finishRun(input: FinishInput): Promise<FinishedRun | undefined> {
    // The common end (nothing to send) goes out with the other ends of this turn; an invoked run, or a run
    // the statement did not end, takes the transaction below, which settles the parent or says why not.
    if (!input.send) {
      const ended = await (await this.coalescers()).finishes.write(input);
      if (ended) return ended;
    }
    const finished = await this.transaction("finishRun", async (tx): Promise<FinishedRun | undefined> => {
      const [row] = await tx.query<RunRowDb>(statements.finishRun, [
        input.runId,
        input.owner ?? null,
        input.status,
        input.outputText ?? null,
        input.error ? JSON.stringify(input.error) : null,
        input.endedAt,
      ]);
      if (!row) return undefined;
      const ended = await this.settleParent(tx, runOf(row), input.endedAt);
      return input.send ? { ...ended, sent: await this.accept(tx, input.send) } : ended;
    });
    if (finished?.parent !== undefined) this.notifier?.due(input.endedAt);
    if (finished?.sent) this.notifier?.created(finished.sent.runs);
    if (finished?.sent?.woken && finished.sent.woken.length > 0) this.notifier?.due(input.endedAt);
    return finished;
  }

  async cancelRun(runId: string, reason: string | undefined, now: number): Promise<RunRecord | undefined> {
    const cancelled = await this.transaction("cancelRun", async (tx) => {
      const [row] = await tx.query<RunRowDb>(statements.cancelRun, [runId, reason ?? null, now]);
      if (!row) return undefined;
      return this.settleParent(tx, runOf(row), now);
    });
    if (cancelled?.parent !== undefined) this.notifier?.due(now);
    return cancelled;
  }

  async resolveStep(input: ResolveStepInput): Promise<boolean> {
    const resolved = await this.transaction("resolveStep", (tx) => this.resolve(tx, input));
    // A run resolving its own wait (a timeout, with its lease) carries on itself: nothing to announce.
    if (resolved && input.owner === undefined) this.notifier?.due(input.now);
    return resolved;
  }

  /**
   * `resolveStep` inside the caller's transaction. `lockEvents: false` skips the per-run event lock (for an
   * event the transaction itself stores: see `offer`).
   */
  private async resolve(tx: Transaction, input: ResolveStepInput, lockEvents = true): Promise<boolean> {
    if (input.owner !== undefined) {
      const held = await tx.query(statements.lockHeld, [input.runId, input.owner, input.now]);
      if (held.length === 0) return false;
    }
    if (input.eventId !== undefined && lockEvents) await tx.query(statements.lockRunEvents, [input.runId]);
    const resolved = await tx.query(statements.resolveStep, [
      input.runId,
      input.stepId,
      input.status,
      input.outputText ?? null,
      input.error ? JSON.stringify(input.error) : null,
      input.eventId ?? null,
      input.now,
    ]);
    if (resolved.length === 0) return false;
    if (input.waitId !== undefined) await tx.query(statements.deleteWait, [input.waitId]);
    await tx.query(statements.wakeRun, [input.runId, input.now]);
    return true;
  }

  /** Resolves the invoking run's step with the ended `run`'s outcome (same transaction); returns `run`. */
  private async settleParent(tx: Transaction, run: RunRecord, now: number): Promise<RunRecord> {
    const outcome = invokeOutcome(run, now);
    if (outcome) await this.resolve(tx, outcome);
    return run;
  }

  async registerWait(input: RegisterWaitInput): Promise<RegisterWaitResult> {
    return this.transaction("registerWait", async (tx): Promise<RegisterWaitResult> => {
      const held = await tx.query(statements.lockHeld, [
        input.wait.runId,
        input.lease.owner,
        input.lease.now,
      ]);
      if (held.length === 0) return { held: false };
      await tx.query(statements.lockRunEvents, [input.wait.runId]);
      // Exclusive against acceptEvents' shared lock on the name (see `insertEvents`).
      await tx.query(statements.lockEventName, [input.wait.eventName]);
      const rows = await tx.query<EventRowDb>(statements.eventsAfter, [
        input.wait.eventName,
        input.wait.afterSeq,
        input.wait.runId,
      ]);
      for (const row of rows) {
        const event = toEvent(row);
        if (!input.matches(event)) continue;
        const completed = await tx.query(statements.completeWaiting, [
          jsonRows([fromStep(input.completed(event))]),
        ]);
        if (completed.length === 0) return { held: true };
        await tx.query(statements.deleteWait, [input.wait.id]);
        return { held: true, event };
      }
      await tx.query(statements.insertStepIfAbsent, [jsonRows([fromStep(input.pending)])]);
      const [current] = await tx.query<{ status: string }>(statements.getStepStatus, [
        input.wait.runId,
        input.wait.stepId,
      ]);
      if (current?.status === "waiting")
        await tx.query(statements.upsertWaits, [jsonRows([fromWait(input.wait)])]);
      return { held: true };
    });
  }

  async listWaits(eventName: string, candidate?: unknown): Promise<WaitRow[]> {
    if (candidate === undefined)
      return (await this.query<WaitRowDb>(statements.waitsFor, [eventName])).map(toWait);
    return (await offeredWaits(await this.database(), [{ name: eventName, candidate }]))[0] ?? [];
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const [row] = await this.query<RunRowDb>(statements.getRun, [runId]);
    return row ? runOf(row) : undefined;
  }

  async listRuns(filter: RunFilter): Promise<{ runs: RunRecord[]; nextCursor?: string }> {
    const limit = checkRunFilter(filter);
    const values: unknown[] = [];
    let { where, mask } = numberedConditions(FILTERS, filter, values);
    if (filter.cursor !== undefined) {
      const cursor = decodeCursor(filter.cursor);
      values.push(cursor.createdAt, cursor.id);
      const [at, id] = [`$${values.length - 1}`, `$${values.length}`];
      where.push(`(created_at < ${at} OR (created_at = ${at} AND id < ${id}))`);
      mask |= 1 << FILTERS.length;
    }
    values.push(limit + 1);
    // One named statement per combination of filters (at most 2^7), each prepared once per connection.
    const statement = {
      name: `fw_list_runs_${mask}`,
      text: `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
      idempotent: true,
    };
    const rows = (await (await this.database()).query<RunRowDb>(statement, values)).map(runOf);
    return runsPage(rows, limit);
  }

  async getSteps(runId: string): Promise<StepRow[]> {
    return (await this.query<StepRowDb>(statements.getSteps, [runId])).map(toStep);
  }

  async listStartedRuns({ functionId, since, limit, after }: StartedRunsQuery): Promise<RunRecord[]> {
    return this.runsAfter(statements.startedRuns, [functionId, since, limit], after?.startedAt, after?.id);
  }

  async listBacklogs(): Promise<StoredBacklog[]> {
    const rows = await this.query<{ backlog_key: string; runs: number }>(statements.backlogs, []);
    return rows.map((row) => ({ backlogKey: row.backlog_key, runs: row.runs }));
  }

  async listBacklogRuns(backlogKey: string, limit: number, after?: BacklogCursor): Promise<RunRecord[]> {
    return this.runsAfter(statements.backlogRuns, [backlogKey, limit], after?.score, after?.id);
  }

  async listDueRuns(now: number, limit: number, after?: DueCursor): Promise<RunRecord[]> {
    return this.runsAfter(statements.dueRuns, [now, limit], after?.readyAt, after?.id);
  }

  async listAdmissions({ since, limit, after }: AdmissionsQuery): Promise<AdmissionRecord[]> {
    const cursor = after ? [after.at, after.scope, after.runId] : [since, "", ""];
    const rows = await this.query<{ scope: string; at: number; run_id: string }>(statements.listAdmissions, [
      since,
      limit,
      ...cursor,
    ]);
    return rows.map((row) => ({ scope: row.scope, at: row.at, runId: row.run_id }));
  }

  async listFlowPending(): Promise<FlowPending[]> {
    return (await this.query<FlowPendingRowDb>(statements.listFlowPending, [])).map(toFlowPending);
  }

  async listDueFlowPending(until: number, limit: number, after?: FlowPendingCursor): Promise<FlowPending[]> {
    const cursor = [
      after?.dueAt ?? Number.MIN_SAFE_INTEGER,
      after?.functionId ?? "",
      after?.kind ?? "",
      after?.key ?? "",
    ];
    return (await this.query<FlowPendingRowDb>(statements.dueFlowPending, [until, limit, ...cursor])).map(
      toFlowPending,
    );
  }

  /**
   * Group-committed: the reasons set in one event-loop turn (one per started run that waited) leave as one
   * statement, so a busy worker does not spend a transaction and a WAL flush per start on the dashboard's
   * "why it waited".
   */
  async setWaitReason(runId: string, reason: string): Promise<void> {
    await (await this.coalescers()).waitReasons.write({ runId, reason });
  }

  async putLimitOverride(override: LimitOverride): Promise<void> {
    const { functionId, key, updatedAt, ...limits } = override;
    await this.query(statements.putLimitOverride, [functionId, key, JSON.stringify(limits), updatedAt]);
  }

  async getLimitOverride(functionId: string, key: string): Promise<LimitOverride | undefined> {
    const [row] = await this.query<LimitOverrideRowDb>(statements.getLimitOverride, [functionId, key]);
    return row ? toOverride(row) : undefined;
  }

  async deleteLimitOverride(functionId: string, key: string): Promise<boolean> {
    return (await this.query(statements.deleteLimitOverride, [functionId, key])).length > 0;
  }

  async listLimitOverrides(functionId?: string): Promise<LimitOverride[]> {
    const rows =
      functionId === undefined
        ? await this.query<LimitOverrideRowDb>(statements.listLimitOverrides, [])
        : await this.query<LimitOverrideRowDb>(statements.listFunctionLimitOverrides, [functionId]);
    return rows.map(toOverride);
  }

  async recordUsage(records: UsageRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows: UsageRowDb[] = records.map((record) => ({
      id: record.id,
      run_id: record.runId,
      function_id: record.functionId,
      tenant_key: record.tenantKey,
      model: record.model,
      provider: record.provider ?? null,
      at: record.at,
      input_tokens: record.inputTokens,
      output_tokens: record.outputTokens,
      cached_input_tokens: record.cachedInputTokens ?? null,
    }));
    await this.query(statements.recordUsage, [jsonRows(rows)]);
  }

  async listUsage(runId: string): Promise<UsageRecord[]> {
    return (await this.query<UsageRowDb>(statements.listUsage, [runId])).map(toUsage);
  }

  async usageTotals(query: UsageQuery): Promise<UsageTotal[]> {
    const values: unknown[] = [];
    const { where, mask } = numberedConditions(USAGE_FILTER_CONDITIONS, query, values);
    // One named statement per combination of filters (at most 2^5).
    const statement = {
      name: `fw_usage_totals_${mask}`,
      text: `SELECT tenant_key AS "tenantKey", model, COUNT(*) AS calls,
          SUM(input_tokens)::bigint AS "inputTokens", SUM(output_tokens)::bigint AS "outputTokens",
          COALESCE(SUM(cached_input_tokens), 0)::bigint AS "cachedInputTokens"
        FROM usage ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        GROUP BY tenant_key, model ORDER BY tenant_key, model`,
      idempotent: true,
    };
    return (await this.database()).query<UsageTotal>(statement, values);
  }

  /** See `Store.sweepRetention` and `retention.ts`: one autocommit statement per batch. */
  async sweepRetention(input: RetentionInput): Promise<RetentionResult> {
    return sweepRetention(await this.database(), input);
  }
}
