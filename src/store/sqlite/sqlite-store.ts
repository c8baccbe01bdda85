/**
 * The embedded store: one SQLite file (better-sqlite3), WAL journal, durable COMMITs by default (the WAL is
 * fsynced before a writer resumes, off the event loop: `wal-sync.ts`), every query a prepared statement. A
 * step checkpoint is a single upsert. Every write method is atomic and goes through group commit
 * (`group-commit.ts`): the writes of one event-loop turn share one transaction, each in its own savepoint,
 * and each caller resumes after that transaction's COMMIT.
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ConfigError } from "../../errors/index.js";
import { applyFlowUpdates } from "../apply-flow-pending.js";
import { checkRunFilter, decodeCursor, runsPage } from "../cursor.js";
import { invokeOutcome } from "../invoke-outcome.js";
import type { LimitOverride } from "../limit-override.js";
import { TERMINAL_RUN_STATUSES } from "../run-statuses.js";
import type {
  AcceptEventsInput,
  AcceptEventsResult,
  BacklogCursor,
  ClaimedRun,
  DueCursor,
  FinishedRun,
  FinishInput,
  FlowPending,
  LeaseFence,
  NewRun,
  RegisterWaitInput,
  RegisterWaitResult,
  ResolveStepInput,
  RunFilter,
  RunRecord,
  StepRow,
  Store,
  StoredBacklog,
  StoredEvent,
  SuspendInput,
  SuspendResult,
  WaitRow,
} from "../store.js";
import type { UsageQuery, UsageRecord, UsageTotal } from "../usage-record.js";
import { matchValue } from "../wait-match.js";
import { flowPendingTable } from "./flow-pending-table.js";
import { GroupCommit, type GroupCommitStats } from "./group-commit.js";
import { limitOverridesTable } from "./limit-overrides-table.js";
import { migrate } from "./migrations.js";
import {
  type EventRowDb,
  fromRun,
  fromStep,
  fromWait,
  type RunRowDb,
  type StepRowDb,
  toEvent,
  toRun,
  toStep,
  toWait,
  type WaitRowDb,
} from "./rows.js";
import { usageTable } from "./usage-table.js";
import { WalSync } from "./wal-sync.js";

/** SQL list of the terminal statuses, e.g. `('completed','failed',...)`. */
const TERMINAL = `(${[...TERMINAL_RUN_STATUSES].map((status) => `'${status}'`).join(",")})`;

/** Rows (events plus runs) above which `acceptEvents` writes a slice per event-loop turn, and the slice size. */
const ACCEPT_SLICE_ROWS = 250;

/** `listRuns` filter fields and their SQL conditions (named parameter = the field). */
const FILTERS: Array<[keyof RunFilter & string, string]> = [
  ["functionId", "function_id = @functionId"],
  ["status", "status = @status"],
  ["concurrencyKey", "EXISTS (SELECT 1 FROM json_each(runs.concurrency_keys) WHERE value = @concurrencyKey)"],
  ["since", "created_at >= @since"],
  ["until", "created_at < @until"],
  ["startedSince", "started_at >= @startedSince"],
];

/** Options of `SqliteStore`. */
export interface SqliteStoreOptions {
  /** File path, or `":memory:"`. Parent directories are created. */
  path: string;
  /** SQLite busy timeout in ms when another process holds the write lock. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * When a COMMIT is durable (SQLite's `synchronous` pragma, WAL journal):
   * - `"full"`: the WAL is fsynced after every (group) COMMIT and before its callers resume, so a write the
   *   engine acknowledged (an accepted event, a checkpointed step) survives a process crash **and** a power
   *   loss or OS crash. The fsync runs on libuv's thread pool (`wal-sync.ts`): the event loop keeps
   *   serving while the disk syncs. Reads may see a committed write before its fsync returned.
   * - `"normal"`: the WAL is fsynced only at checkpoints; a committed write survives a process crash
   *   (kill -9, OOM) but the last transactions before a power loss or OS crash may be lost (the file stays
   *   consistent). Faster with few concurrent writers; with group commit the gap is small under load.
   *
   * @default "full"
   */
  synchronous?: SqliteSynchronous;
}

/** Durability of a SQLite COMMIT: see `SqliteStoreOptions.synchronous`. */
export type SqliteSynchronous = "full" | "normal";

/** Store on a SQLite file. Safe for one engine process per file; other processes may read. */
export class SqliteStore implements Store {
  readonly kind = "sqlite";
  /** The durability setting in force (`SqliteStoreOptions.synchronous`). */
  readonly synchronous: SqliteSynchronous;
  private readonly db: Database.Database;
  private readonly writes: GroupCommit;
  /** The WAL fsync of `synchronous: "full"` (none for `":memory:"` or without a WAL). */
  private readonly walSync: WalSync | undefined;
  private statements: ReturnType<typeof prepare> | undefined;
  private flowTable: ReturnType<typeof flowPendingTable> | undefined;
  private limitsTable: ReturnType<typeof limitOverridesTable> | undefined;
  private usageRows: ReturnType<typeof usageTable> | undefined;

  /** Throws ConfigError naming `synchronous` when it is not "full" or "normal". */
  constructor(options: SqliteStoreOptions) {
    const synchronous = options.synchronous ?? "full";
    if (synchronous !== "full" && synchronous !== "normal")
      throw new ConfigError("synchronous", 'must be "full" or "normal"', options.synchronous);
    this.synchronous = synchronous;
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    const wal = this.db.pragma("journal_mode = WAL", { simple: true }) === "wal";
    // FULL on a WAL file: SQLite writes the WAL at COMMIT (NORMAL) and `WalSync` fsyncs it off the event
    // loop before the callers resume, which is what SQLite's FULL does, on the main thread.
    this.walSync = synchronous === "full" && wal ? new WalSync(options.path) : undefined;
    this.db.pragma(`synchronous = ${this.walSync ? "NORMAL" : synchronous.toUpperCase()}`);
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.writes = new GroupCommit(this.db, this.walSync ? { sync: this.walSync.sync } : {});
  }

  /** Transactions committed and the writes they carried since the store opened (group commit's batch size). */
  commitStats(): GroupCommitStats {
    return this.writes.stats();
  }

  private get q(): ReturnType<typeof prepare> {
    if (!this.statements) this.statements = prepare(this.db);
    return this.statements;
  }

  private get flow(): ReturnType<typeof flowPendingTable> {
    this.flowTable ??= flowPendingTable(this.db);
    return this.flowTable;
  }

  private get limits(): ReturnType<typeof limitOverridesTable> {
    this.limitsTable ??= limitOverridesTable(this.db);
    return this.limitsTable;
  }

  private get usage(): ReturnType<typeof usageTable> {
    this.usageRows ??= usageTable(this.db);
    return this.usageRows;
  }

  async init(): Promise<void> {
    migrate(this.db);
    this.statements = prepare(this.db);
    this.flowTable = flowPendingTable(this.db);
  }

  /** Writes what group commit has queued, then closes the file. */
  async close(): Promise<void> {
    if (!this.db.open) return;
    await this.writes.drain();
    await this.walSync?.idle();
    this.walSync?.close();
    if (this.db.open) this.db.close();
  }

  /**
   * One transaction. A big input (more than `ACCEPT_SLICE_ROWS` events and runs) is written a slice of rows
   * per event-loop turn (`GroupCommit.runSliced`), still in one transaction, so it does not block the process.
   */
  async acceptEvents(input: AcceptEventsInput): Promise<AcceptEventsResult> {
    if (input.events.length + input.runs.length <= ACCEPT_SLICE_ROWS)
      return this.writes.run(() => this.accept(input));
    const events: StoredEvent[] = [];
    const runs: RunRecord[] = [];
    const slices: Array<() => AcceptEventsResult | undefined> = [];
    for (let start = 0; start < input.events.length; start += ACCEPT_SLICE_ROWS) {
      const part = input.events.slice(start, start + ACCEPT_SLICE_ROWS);
      slices.push(() => void events.push(...this.insertEvents(part)));
    }
    for (let start = 0; start < input.runs.length; start += ACCEPT_SLICE_ROWS) {
      const part = input.runs.slice(start, start + ACCEPT_SLICE_ROWS);
      slices.push(() => void runs.push(...this.insertRuns(part, events, input.now)));
    }
    slices.push(() => this.acceptFlow(input, events, runs));
    return (await this.writes.runSliced(slices)).at(-1) as AcceptEventsResult;
  }

  /** Body of `acceptEvents`; call inside a transaction. */
  private accept(input: AcceptEventsInput): AcceptEventsResult {
    const events = this.insertEvents(input.events);
    return this.acceptFlow(input, events, this.insertRuns(input.runs, events, input.now));
  }

  /** Stores events; returns them with their `seq`. */
  private insertEvents(input: AcceptEventsInput["events"]): StoredEvent[] {
    return input.map((event) => {
      const info = this.q.insertEvent.run({
        id: event.id,
        name: event.name,
        data: JSON.stringify(event.data),
        ts: event.ts,
        v: event.v ?? null,
        user_id: event.userId ?? null,
        received_at: event.receivedAt,
      });
      return { ...event, seq: Number(info.lastInsertRowid) };
    });
  }

  /** After `input`'s events and runs are stored: applies its flow changes and stores the runs they release. */
  private acceptFlow(input: AcceptEventsInput, events: StoredEvent[], runs: RunRecord[]): AcceptEventsResult {
    const flow = applyFlowUpdates(input.flow ?? [], events, this.flow);
    runs.push(...this.insertRuns(flow.runs, events, input.now));
    return input.flow ? { events, runs, flow: flow.written } : { events, runs };
  }

  /** Stores runs (skipping those whose dedup key is taken); `events` are the call's stored events. */
  private insertRuns(
    entries: Array<NewRun & { eventIndex?: number }>,
    events: StoredEvent[],
    now: number,
  ): RunRecord[] {
    const runs: RunRecord[] = [];
    for (const entry of entries) {
      if (entry.dedup) {
        const { functionId, key, expiresAt } = entry.dedup;
        const info = this.q.claimDedup.run({
          function_id: functionId,
          key,
          expires_at: expiresAt,
          now,
        });
        if (info.changes === 0) continue;
      }
      const seq =
        entry.eventIndex === undefined
          ? ((this.q.maxSeq.get() as { seq: number | null }).seq ?? 0)
          : (events[entry.eventIndex]?.seq ?? 0);
      const run = { ...entry.run, eventSeq: seq };
      this.q.insertRun.run(fromRun(run));
      runs.push(run);
    }
    return runs;
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    const row = this.q.getEvent.get(id) as EventRowDb | undefined;
    return row ? toEvent(row) : undefined;
  }

  async claimRun(
    runId: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<ClaimedRun | undefined> {
    return this.writes.run(() => {
      const row = this.q.claimRun.get({ id: runId, owner, now, until: now + leaseMs }) as
        | RunRowDb
        | undefined;
      if (!row) return undefined;
      const steps = (this.q.getSteps.all(runId) as StepRowDb[]).map(toStep);
      return { run: toRun(row), steps };
    });
  }

  async renewLeases(owner: string, runIds: string[], until: number, now: number): Promise<string[]> {
    return this.writes.run(() =>
      runIds.filter((id) => this.q.renewLease.run({ id, owner, until, now }).changes === 0),
    );
  }

  async releaseLeases(owner: string): Promise<void> {
    await this.writes.run(() => this.q.releaseLeases.run(owner));
  }

  async saveStep(step: StepRow, lease: LeaseFence): Promise<boolean> {
    return this.writes.run(() => {
      if (!this.holds(step.runId, lease)) return false;
      this.q.upsertStep.run(fromStep(step));
      return true;
    });
  }

  /** Whether `lease.owner` holds a live lease on the non-terminal run `runId` (call inside a transaction). */
  private holds(runId: string, lease: LeaseFence): boolean {
    return this.q.heldBy.get(runId, lease.owner, lease.now) !== undefined;
  }

  async suspendRun(input: SuspendInput): Promise<SuspendResult | undefined> {
    return this.writes.run(() => {
      if (!this.holds(input.runId, input)) return undefined;
      for (const step of input.steps) this.q.upsertStep.run(fromStep(step));
      for (const wait of input.waits) this.q.insertWait.run(fromWait(wait));
      const children = input.children.runs.length > 0 ? this.accept(input.children).runs : [];
      let readyAt = input.readyAt;
      for (const stepId of input.awaiting) {
        const row = this.q.getStepStatus.get(input.runId, stepId) as { status: string } | undefined;
        if (row && (row.status === "completed" || row.status === "failed")) readyAt = input.now;
      }
      this.q.suspendRun.run({
        id: input.runId,
        status: input.status,
        ready_at: readyAt,
        attempt: input.attempt,
      });
      return { readyAt, children };
    });
  }

  async finishRun(input: FinishInput): Promise<FinishedRun | undefined> {
    return this.writes.run(() => {
      const row = this.q.finishRun.get({
        id: input.runId,
        owner: input.owner ?? null,
        status: input.status,
        output: input.outputText ?? null,
        error: input.error ? JSON.stringify(input.error) : null,
        ended_at: input.endedAt,
      }) as RunRowDb | undefined;
      if (!row) return undefined;
      this.q.deleteRunWaits.run(input.runId);
      const ended = this.settleParent(toRun(row), input.endedAt);
      return input.send ? { ...ended, sent: this.accept(input.send) } : ended;
    });
  }

  async cancelRun(runId: string, reason: string | undefined, now: number): Promise<RunRecord | undefined> {
    return this.writes.run(() => {
      const row = this.q.cancelRun.get({ id: runId, reason: reason ?? null, now }) as RunRowDb | undefined;
      if (!row) return undefined;
      this.q.deleteRunWaits.run(runId);
      return this.settleParent(toRun(row), now);
    });
  }

  async resolveStep(input: ResolveStepInput): Promise<boolean> {
    return this.writes.run(() => this.resolve(input));
  }

  /** `resolveStep` inside the caller's transaction. */
  private resolve(input: ResolveStepInput): boolean {
    if (input.owner !== undefined && !this.holds(input.runId, { owner: input.owner, now: input.now }))
      return false;
    if (input.eventId !== undefined && this.q.consumed.get(input.runId, input.eventId)) return false;
    const info = this.q.resolveStep.run({
      run_id: input.runId,
      id: input.stepId,
      status: input.status,
      output: input.outputText ?? null,
      error: input.error ? JSON.stringify(input.error) : null,
      event_id: input.eventId ?? null,
      ended_at: input.now,
    });
    if (info.changes === 0) return false;
    if (input.waitId !== undefined) this.q.deleteWait.run(input.waitId);
    this.q.wakeRun.run({ id: input.runId, now: input.now });
    return true;
  }

  /** Resolves the invoking run's step with the ended `run`'s outcome (same transaction); returns `run`. */
  private settleParent(run: RunRecord, now: number): RunRecord {
    const outcome = invokeOutcome(run, now);
    if (outcome) this.resolve(outcome);
    return run;
  }

  async registerWait(input: RegisterWaitInput): Promise<RegisterWaitResult> {
    return this.writes.run((): RegisterWaitResult => {
      if (!this.holds(input.wait.runId, input.lease)) return { held: false };
      const rows = this.q.eventsAfter.all({
        name: input.wait.eventName,
        after: input.wait.afterSeq,
        run_id: input.wait.runId,
      }) as EventRowDb[];
      for (const row of rows) {
        const event = toEvent(row);
        if (!input.matches(event)) continue;
        const info = this.q.completeWaiting.run(fromStep(input.completed(event)));
        if (info.changes === 0) return { held: true };
        this.q.deleteWait.run(input.wait.id);
        return { held: true, event };
      }
      this.q.insertStepIfAbsent.run(fromStep(input.pending));
      const current = this.q.getStepStatus.get(input.wait.runId, input.wait.stepId) as { status: string };
      if (current.status === "waiting") this.q.insertWait.run(fromWait(input.wait));
      return { held: true };
    });
  }

  async listWaits(eventName: string, candidate?: unknown): Promise<WaitRow[]> {
    if (candidate === undefined) return (this.q.waitsFor.all(eventName) as WaitRowDb[]).map(toWait);
    return this.db.transaction(() => {
      const rows = this.q.waitsUnkeyed.all(eventName) as WaitRowDb[];
      const fields = this.q.waitMatchFields.all({ name: eventName }) as Array<{ field: string }>;
      for (const { field } of fields) {
        const value = matchValue(candidate, field);
        if (value !== undefined)
          rows.push(...(this.q.waitsKeyed.all(eventName, field, value) as WaitRowDb[]));
      }
      return rows.map(toWait);
    })();
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.q.getRun.get(runId) as RunRowDb | undefined;
    return row ? toRun(row) : undefined;
  }

  async listRuns(filter: RunFilter): Promise<{ runs: RunRecord[]; nextCursor?: string }> {
    const limit = checkRunFilter(filter);
    const params: Record<string, unknown> = { limit: limit + 1 };
    const where: string[] = [];
    for (const [field, condition] of FILTERS) {
      if (filter[field] === undefined) continue;
      where.push(condition);
      params[field] = filter[field];
    }
    if (filter.cursor !== undefined) {
      const cursor = decodeCursor(filter.cursor);
      where.push("(created_at < @cursorAt OR (created_at = @cursorAt AND id < @cursorId))");
      params.cursorAt = cursor.createdAt;
      params.cursorId = cursor.id;
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at DESC, id DESC LIMIT @limit`;
    const rows = (this.db.prepare(sql).all(params) as RunRowDb[]).map(toRun);
    return runsPage(rows, limit);
  }

  async getSteps(runId: string): Promise<StepRow[]> {
    return (this.q.getSteps.all(runId) as StepRowDb[]).map(toStep);
  }

  /** Read in the group commit queue, like {@link listDueRuns}. */
  async listBacklogs(): Promise<StoredBacklog[]> {
    return this.writes.run(() =>
      (this.q.backlogs.all() as Array<{ backlog_key: string; runs: number }>).map((row) => ({
        backlogKey: row.backlog_key,
        runs: row.runs,
      })),
    );
  }

  /** Read in the group commit queue, like {@link listDueRuns}. */
  async listBacklogRuns(backlogKey: string, limit: number, after?: BacklogCursor): Promise<RunRecord[]> {
    return this.writes.run(() =>
      (
        this.q.backlogRuns.all({
          backlog_key: backlogKey,
          limit,
          after_score: after?.score ?? Number.MIN_SAFE_INTEGER,
          after_id: after?.id ?? "",
        }) as RunRowDb[]
      ).map(toRun),
    );
  }

  /**
   * Read in the group commit queue, after the writes queued before it: its caller resumes only after theirs
   * did, so the recovery sweep never takes a run whose creator (a send, a finish with its onFailure run, an
   * invoke) has not queued it yet.
   */
  async listDueRuns(now: number, limit: number, after?: DueCursor): Promise<RunRecord[]> {
    return this.writes.run(() => {
      const rows = this.q.dueRuns.all({
        now,
        limit,
        after_ready_at: after?.readyAt ?? Number.MIN_SAFE_INTEGER,
        after_id: after?.id ?? "",
      }) as RunRowDb[];
      return rows.map(toRun);
    });
  }

  async listFlowPending(): Promise<FlowPending[]> {
    return this.flow.list();
  }

  async setWaitReason(runId: string, reason: string): Promise<void> {
    await this.writes.run(() => this.q.setWaitReason.run(reason, runId));
  }

  async putLimitOverride(override: LimitOverride): Promise<void> {
    await this.writes.run(() => this.limits.put(override));
  }

  async getLimitOverride(functionId: string, key: string): Promise<LimitOverride | undefined> {
    return this.limits.get(functionId, key);
  }

  async deleteLimitOverride(functionId: string, key: string): Promise<boolean> {
    return this.writes.run(() => this.limits.delete(functionId, key));
  }

  async listLimitOverrides(functionId?: string): Promise<LimitOverride[]> {
    return this.limits.list(functionId);
  }

  async recordUsage(records: UsageRecord[]): Promise<void> {
    if (records.length > 0) await this.writes.run(() => this.usage.put(records));
  }

  async listUsage(runId: string): Promise<UsageRecord[]> {
    return this.usage.ofRun(runId);
  }

  async usageTotals(query: UsageQuery): Promise<UsageTotal[]> {
    return this.usage.totals(query);
  }
}

/** Every statement the store runs more than once, prepared once. Named parameters are the columns. */
function prepare(db: Database.Database) {
  return {
    insertEvent: db.prepare(
      `INSERT INTO events (id, name, data, ts, v, user_id, received_at)
       VALUES (@id, @name, @data, @ts, @v, @user_id, @received_at)`,
    ),
    getEvent: db.prepare("SELECT * FROM events WHERE id = ?"),
    maxSeq: db.prepare("SELECT MAX(seq) AS seq FROM events"),
    eventsAfter: db.prepare(
      `SELECT * FROM events WHERE name = @name AND seq > @after
         AND NOT EXISTS (SELECT 1 FROM steps WHERE steps.run_id = @run_id AND steps.event_id = events.id)
       ORDER BY seq`,
    ),
    claimDedup: db.prepare(
      `INSERT INTO dedup (function_id, key, expires_at) VALUES (@function_id, @key, @expires_at)
       ON CONFLICT (function_id, key) DO UPDATE SET expires_at = excluded.expires_at
       WHERE dedup.expires_at <= @now`,
    ),
    insertRun: db.prepare(
      `INSERT INTO runs (id, function_id, status, event_ids, events, output, error, attempt, created_at,
         started_at, ended_at, ready_at, lease_owner, lease_expires_at, event_seq, backlog_key, queue_score,
         concurrency_keys, warnings, trace_parent, wait_reason, skip_reason, cancel_reason, parent_run_id, parent_step_id)
       VALUES (@id, @function_id, @status, @event_ids, @events, @output, @error, @attempt, @created_at,
         @started_at, @ended_at, @ready_at, @lease_owner, @lease_expires_at, @event_seq, @backlog_key,
         @queue_score, @concurrency_keys, @warnings, @trace_parent, @wait_reason, @skip_reason, @cancel_reason,
         @parent_run_id, @parent_step_id)`,
    ),
    getRun: db.prepare("SELECT * FROM runs WHERE id = ?"),
    setWaitReason: db.prepare("UPDATE runs SET wait_reason = ? WHERE id = ?"),
    claimRun: db.prepare(
      `UPDATE runs SET status = 'running', started_at = COALESCE(started_at, @now),
         lease_owner = @owner, lease_expires_at = @until
       WHERE id = @id AND status NOT IN ${TERMINAL} AND ready_at IS NOT NULL AND ready_at <= @now
         AND (lease_expires_at IS NULL OR lease_expires_at <= @now OR lease_owner = @owner)
       RETURNING *`,
    ),
    renewLease: db.prepare(
      `UPDATE runs SET lease_expires_at = @until WHERE id = @id AND lease_owner = @owner
         AND lease_expires_at > @now AND status NOT IN ${TERMINAL}`,
    ),
    releaseLeases: db.prepare(
      "UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = ?",
    ),
    heldBy: db.prepare(
      `SELECT 1 FROM runs WHERE id = ? AND lease_owner = ? AND lease_expires_at > ?
         AND status NOT IN ${TERMINAL}`,
    ),
    suspendRun: db.prepare(
      `UPDATE runs SET status = @status, ready_at = @ready_at, attempt = @attempt,
         lease_owner = NULL, lease_expires_at = NULL WHERE id = @id`,
    ),
    finishRun: db.prepare(
      `UPDATE runs SET status = @status, output = @output, error = @error, ended_at = @ended_at,
         ready_at = NULL, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = @id AND status NOT IN ${TERMINAL} AND (@owner IS NULL OR lease_owner = @owner)
       RETURNING *`,
    ),
    cancelRun: db.prepare(
      `UPDATE runs SET status = 'cancelled', cancel_reason = @reason, ended_at = @now, ready_at = NULL
       WHERE id = @id AND status NOT IN ${TERMINAL} RETURNING *`,
    ),
    wakeRun: db.prepare(
      `UPDATE runs SET ready_at = @now WHERE id = @id AND status NOT IN ${TERMINAL}
         AND (ready_at IS NULL OR ready_at > @now)`,
    ),
    // The backlogged runs of each backlog (src/store/backlogged.ts): a grouped read of the runs_backlog index.
    backlogs: db.prepare(
      `SELECT backlog_key, COUNT(*) AS runs FROM runs WHERE started_at IS NULL AND ready_at <= created_at
       GROUP BY backlog_key ORDER BY backlog_key`,
    ),
    // An index range on runs_backlog (backlog_key, queue_score, id) after (@after_score, @after_id).
    backlogRuns: db.prepare(
      `SELECT * FROM runs WHERE backlog_key = @backlog_key AND started_at IS NULL AND ready_at <= created_at
         AND (queue_score, id) > (@after_score, @after_id)
       ORDER BY queue_score, id LIMIT @limit`,
    ),
    // An index range on runs_wakeup (ready_at, id): the page after (@after_ready_at, @after_id).
    dueRuns: db.prepare(
      `SELECT * FROM runs WHERE ready_at IS NOT NULL AND (started_at IS NOT NULL OR ready_at > created_at)
         AND ready_at <= @now AND (ready_at, id) > (@after_ready_at, @after_id)
         AND status NOT IN ${TERMINAL} AND (lease_expires_at IS NULL OR lease_expires_at <= @now)
       ORDER BY ready_at, id LIMIT @limit`,
    ),
    upsertStep: db.prepare(
      `INSERT OR REPLACE INTO steps (run_id, id, name, op, status, position, input, output, error, attempts,
         started_at, ended_at, wake_at, event_id, settled_seq)
       VALUES (@run_id, @id, @name, @op, @status, @position, @input, @output, @error, @attempts,
         @started_at, @ended_at, @wake_at, @event_id, @settled_seq)`,
    ),
    insertStepIfAbsent: db.prepare(
      `INSERT INTO steps (run_id, id, name, op, status, position, input, output, error, attempts,
         started_at, ended_at, wake_at, event_id, settled_seq)
       VALUES (@run_id, @id, @name, @op, @status, @position, @input, @output, @error, @attempts,
         @started_at, @ended_at, @wake_at, @event_id, @settled_seq)
       ON CONFLICT (run_id, id) DO NOTHING`,
    ),
    completeWaiting: db.prepare(
      `INSERT INTO steps (run_id, id, name, op, status, position, input, output, error, attempts,
         started_at, ended_at, wake_at, event_id, settled_seq)
       VALUES (@run_id, @id, @name, @op, @status, @position, @input, @output, @error, @attempts,
         @started_at, @ended_at, @wake_at, @event_id, @settled_seq)
       ON CONFLICT (run_id, id) DO UPDATE SET status = excluded.status, output = excluded.output,
         event_id = excluded.event_id, ended_at = excluded.ended_at, wake_at = NULL
       WHERE steps.status = 'waiting'`,
    ),
    getSteps: db.prepare("SELECT * FROM steps WHERE run_id = ? ORDER BY position, started_at"),
    resolveStep: db.prepare(
      `UPDATE steps SET status = @status, output = @output, error = @error, event_id = @event_id,
         ended_at = @ended_at, wake_at = NULL
       WHERE run_id = @run_id AND id = @id AND status = 'waiting'`,
    ),
    getStepStatus: db.prepare("SELECT status FROM steps WHERE run_id = ? AND id = ?"),
    consumed: db.prepare("SELECT 1 FROM steps WHERE run_id = ? AND event_id = ?"),
    insertWait: db.prepare(
      `INSERT OR REPLACE INTO waits (id, run_id, step_id, event_name, expression, trigger_event, expires_at,
         after_seq, match_field, match_value) VALUES (@id, @run_id, @step_id, @event_name, @expression,
         @trigger_event, @expires_at, @after_seq, @match_field, @match_value)`,
    ),
    waitsFor: db.prepare("SELECT * FROM waits WHERE event_name = ?"),
    waitsUnkeyed: db.prepare("SELECT * FROM waits WHERE event_name = ? AND match_field IS NULL"),
    waitsKeyed: db.prepare(
      "SELECT * FROM waits WHERE event_name = ? AND match_field = ? AND match_value = ?",
    ),
    // The distinct match fields of an event name: one index seek per field (a skip scan), not one per wait.
    waitMatchFields: db.prepare(
      `WITH RECURSIVE f(field) AS (
         SELECT min(match_field) FROM waits WHERE event_name = @name
         UNION ALL
         SELECT (SELECT min(match_field) FROM waits WHERE event_name = @name AND match_field > f.field)
         FROM f WHERE f.field IS NOT NULL)
       SELECT field FROM f WHERE field IS NOT NULL`,
    ),
    deleteWait: db.prepare("DELETE FROM waits WHERE id = ?"),
    deleteRunWaits: db.prepare("DELETE FROM waits WHERE run_id = ?"),
  };
}
