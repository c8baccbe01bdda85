/**
 * The embedded store: one SQLite file (better-sqlite3), WAL journal, durable COMMITs by default (the WAL is
 * fsynced before a writer resumes, off the event loop: `wal-sync.ts`), every query a prepared statement. A
 * step checkpoint is a single upsert. Every write method is atomic and goes through group commit
 * (`group-commit.ts`): the writes of one event-loop turn share one transaction, each in its own savepoint,
 * and each caller resumes after that transaction's COMMIT. WAL checkpoints run on a worker thread
 * (`wal-checkpointer.ts`), never inside a COMMIT on the event loop.
 *
 * @module
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { ConfigError } from "../../errors/index.js";
import { fieldsOf, knownFields } from "../../flow/config/validate.js";
import { MAX_ADMISSION_WINDOW_MS } from "../../flow/store-admission.js";
import { deferralAdmissions, runAdmissions } from "../accepted-admissions.js";
import type { AdmissionRecord, AdmissionsQuery } from "../admission-record.js";
import { applyFlowUpdates } from "../apply-flow-pending.js";
import { checkRunFilter, runsPage } from "../cursor.js";
import { invokeOutcome } from "../invoke-outcome.js";
import type { LimitOverride } from "../limit-override.js";
import { offerEvents, type SyncWaitTable } from "../offer-waits.js";
import {
  deleteInBatches,
  deleteRunsInBatches,
  noneDeleted,
  type RetentionInput,
  type RetentionResult,
} from "../retention.js";
import type {
  AcceptEventsInput,
  AcceptEventsResult,
  BacklogCursor,
  ClaimedRun,
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
  SaveStepOptions,
  StartedRunsQuery,
  StepRow,
  Store,
  StoredBacklog,
  StoredEvent,
  SuspendInput,
  SuspendResult,
  WaitOffer,
  WaitRow,
} from "../store.js";
import type { UsageQuery, UsageRecord, UsageTotal } from "../usage-record.js";
import { matchValue } from "../wait-match.js";
import { admissionsTable } from "./admissions-table.js";
import { workerCheckpointRunner } from "./checkpoint-worker.js";
import { flowPendingTable } from "./flow-pending-table.js";
import { GroupCommit, type GroupCommitStats } from "./group-commit.js";
import { limitOverridesTable } from "./limit-overrides-table.js";
import { migrate } from "./migrations.js";
import { retentionTable } from "./retention-table.js";
import {
  type EventRowDb,
  fromEvent,
  fromWait,
  type RunRowDb,
  runValues,
  type StepRowDb,
  stepValues,
  toEvent,
  toRun,
  toStep,
  toWait,
  type WaitRowDb,
} from "./rows.js";
import { listRunsQuery, prepareStatements, type Statements } from "./statements.js";
import { usageTable } from "./usage-table.js";
import { WaitNames } from "./wait-names.js";
import { WalCheckpointer, type WalCheckpointStats } from "./wal-checkpointer.js";
import { WalSync } from "./wal-sync.js";

/** Rows (events plus runs) above which `acceptEvents` writes a slice per event-loop turn, and the slice size. */
const ACCEPT_SLICE_ROWS = 250;

/** A write of one statement (`WriteOptions.oneStatement`): no savepoint. */
const ONE_STATEMENT = { oneStatement: true } as const;

/** Options of `SqliteStore`. */
export interface SqliteStoreOptions {
  /** File path, or `":memory:"`. Parent directories are created. */
  path: string;
  /** SQLite busy timeout in ms (an integer >= 0) when another process holds the write lock. Default 5000. */
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
  /**
   * COMMITs between two WAL checkpoints, which run on a worker thread with its own connection
   * (`wal-checkpointer.ts`), not inside a COMMIT on the event loop as SQLite's automatic checkpoint would.
   * A positive integer.
   *
   * @default 64
   */
  commitsPerCheckpoint?: number;
  /**
   * Told the first error of a run of failed WAL checkpoints (a `StoreError` naming the file); the store
   * keeps working and later COMMITs try again.
   *
   * @default `process.emitWarning`
   */
  onCheckpointError?: (error: unknown) => void;
}

/** The fields of `SqliteStoreOptions`. */
const OPTION_FIELDS = knownFields<SqliteStoreOptions>({
  path: true,
  busyTimeoutMs: true,
  synchronous: true,
  commitsPerCheckpoint: true,
  onCheckpointError: true,
});

/** `SqliteStore.commitStats`: group commit's counters, the WAL fsyncs and the WAL checkpoints made. */
export interface SqliteCommitStats extends GroupCommitStats {
  /** fsyncs of the WAL started (each covers every COMMIT made before it started). */
  fsyncs: number;
  /** WAL checkpoints run off the event loop (all zero for `":memory:"`). */
  checkpoints: WalCheckpointStats;
}

/** Durability of a SQLite COMMIT: see `SqliteStoreOptions.synchronous`. */
export type SqliteSynchronous = "full" | "normal";

/** Store on a SQLite file. Safe for one engine process per file; other processes may read. */
export class SqliteStore implements Store {
  readonly kind = "sqlite";
  readonly shared = false;
  /** {@link Store.location}: the file's absolute path (`:memory:` as it is). */
  readonly location: string;
  /** The durability setting in force (`SqliteStoreOptions.synchronous`). */
  readonly synchronous: SqliteSynchronous;
  private readonly db: Database.Database;
  private readonly writes: GroupCommit;
  /** The WAL fsync of `synchronous: "full"` (none for `":memory:"` or without a WAL). */
  private readonly walSync: WalSync | undefined;
  /** The WAL checkpoints on a worker thread (none for `":memory:"` or without a WAL). */
  private readonly checkpointer: WalCheckpointer | undefined;
  /** The waits and resolutions `offerEvents` works on (inside the accept's transaction). */
  private readonly waitTable: SyncWaitTable = {
    waits: (eventName, candidateOf) => this.waitsFor(eventName, candidateOf),
    resolve: (input) => this.resolve(input),
  };
  private statements: Statements | undefined;
  private flowTable: ReturnType<typeof flowPendingTable> | undefined;
  private limitsTable: ReturnType<typeof limitOverridesTable> | undefined;
  private usageRows: ReturnType<typeof usageTable> | undefined;
  private retentionRows: ReturnType<typeof retentionTable> | undefined;
  private admissionRows: ReturnType<typeof admissionsTable> | undefined;
  /** Event names that may have a wait: `listWaits` reads nothing for the others (`wait-names.ts`). */
  private readonly waitNames = new WaitNames(() =>
    (this.db.prepare("SELECT DISTINCT event_name FROM waits").all() as Array<{ event_name: string }>).map(
      (row) => row.event_name,
    ),
  );

  /**
   * Throws ConfigError naming `path` when it is not a non-empty string, `busyTimeoutMs` when it is not an
   * integer >= 0, `synchronous` when it is not "full" or "normal", `commitsPerCheckpoint` when it is not a
   * positive integer, `onCheckpointError` when it is not a function, or an unknown field (`busyTimeout`:
   * the message lists the known ones).
   */
  constructor(options: SqliteStoreOptions) {
    fieldsOf(options, "", OPTION_FIELDS);
    if (typeof options.path !== "string" || options.path === "")
      throw new ConfigError("path", 'must be a non-empty file path (or ":memory:")', options.path);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0)
      throw new ConfigError("busyTimeoutMs", "must be an integer >= 0 (ms)", options.busyTimeoutMs);
    if (options.onCheckpointError !== undefined && typeof options.onCheckpointError !== "function")
      throw new ConfigError("onCheckpointError", "must be a function", options.onCheckpointError);
    const synchronous = options.synchronous ?? "full";
    if (synchronous !== "full" && synchronous !== "normal")
      throw new ConfigError("synchronous", 'must be "full" or "normal"', options.synchronous);
    const commitsPerCheckpoint = options.commitsPerCheckpoint ?? 64;
    if (!Number.isInteger(commitsPerCheckpoint) || commitsPerCheckpoint < 1)
      throw new ConfigError("commitsPerCheckpoint", "must be a positive integer", commitsPerCheckpoint);
    this.synchronous = synchronous;
    this.location = options.path === ":memory:" ? options.path : resolve(options.path);
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    const wal = this.db.pragma("journal_mode = WAL", { simple: true }) === "wal";
    // FULL on a WAL file: SQLite writes the WAL at COMMIT (NORMAL) and `WalSync` fsyncs it off the event
    // loop before the callers resume, which is what SQLite's FULL does, on the main thread.
    this.walSync = synchronous === "full" && wal ? new WalSync(options.path) : undefined;
    this.db.pragma(`synchronous = ${this.walSync ? "NORMAL" : synchronous.toUpperCase()}`);
    this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (wal) {
      // Checkpoints run on a worker thread; a WAL a big write grew is cut back to 4 MiB when it restarts.
      this.db.pragma("wal_autocheckpoint = 0");
      this.db.pragma(`journal_size_limit = ${4 * 2 ** 20}`);
      const walFile = `${options.path}-wal`;
      this.checkpointer = new WalCheckpointer(workerCheckpointRunner(options.path, busyTimeoutMs), {
        commitsPerCheckpoint,
        walBytes: () => statSync(walFile, { throwIfNoEntry: false })?.size ?? 0,
        growthBytes: 4 * 2 ** 20, // SQLite's automatic checkpoint: 1,000 pages of 4 KiB
        capBytes: 64 * 2 ** 20, // a catch-up holds the event loop (15–25 ms on a 1M-run file): bulk writes only
        catchUp: () => {
          if (this.db.open && !this.db.inTransaction) this.db.pragma("wal_checkpoint(PASSIVE)");
        },
        onError: options.onCheckpointError ?? ((error) => process.emitWarning(error as Error)),
      });
    }
    const checkpointer = this.checkpointer;
    this.writes = new GroupCommit(this.db, {
      ...(this.walSync ? { sync: this.walSync.sync } : {}),
      ...(checkpointer ? { onCommit: () => checkpointer.committed() } : {}),
    });
  }

  /**
   * Transactions committed and the writes they carried since the store opened (group commit's batch size),
   * and the WAL fsyncs made (`synchronous: "full"`; 0 otherwise).
   */
  commitStats(): SqliteCommitStats {
    return {
      ...this.writes.stats(),
      fsyncs: this.walSync?.fsyncs ?? 0,
      checkpoints: this.checkpointer?.stats() ?? { checkpoints: 0, partial: 0, failures: 0, catchUps: 0 },
    };
  }

  private get q(): Statements {
    if (!this.statements) this.statements = prepareStatements(this.db);
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

  private get retention(): ReturnType<typeof retentionTable> {
    this.retentionRows ??= retentionTable(this.db);
    return this.retentionRows;
  }

  private get admissions(): ReturnType<typeof admissionsTable> {
    this.admissionRows ??= admissionsTable(this.db);
    return this.admissionRows;
  }

  async init(): Promise<void> {
    migrate(this.db);
    this.statements = prepareStatements(this.db);
    this.flowTable = flowPendingTable(this.db);
  }

  /** Writes what group commit has queued, then closes the file. */
  async close(): Promise<void> {
    if (!this.db.open) return;
    await this.writes.drain();
    await this.walSync?.idle();
    this.walSync?.close();
    await this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }

  /** Always answers: the file is opened by this process (its failures surface in the calls that use it). */
  async ping(): Promise<void> {}

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
    const flowSlice = slices.push(() => this.acceptFlow(input, events, runs)) - 1;
    const { offer } = input;
    const woken = new Set<string>();
    for (let start = 0; offer && start < input.events.length; start += ACCEPT_SLICE_ROWS) {
      slices.push(
        () => void this.offer(events.slice(start, start + ACCEPT_SLICE_ROWS), offer, input.now, woken),
      );
    }
    const result = (await this.writes.runSliced(slices))[flowSlice] as AcceptEventsResult;
    return offer ? { ...result, woken: [...woken] } : result;
  }

  /** Body of `acceptEvents`; call inside a transaction. */
  private accept(input: AcceptEventsInput): AcceptEventsResult {
    const events = this.insertEvents(input.events);
    const result = this.acceptFlow(input, events, this.insertRuns(input.runs, events, input.now));
    return input.offer ? { ...result, woken: [...this.offer(events, input.offer, input.now)] } : result;
  }

  /** Offers stored `events` to pending waits (`AcceptEventsInput.offer`); call inside a transaction. */
  private offer(events: StoredEvent[], offer: WaitOffer, now: number, woken?: Set<string>): Set<string> {
    return offerEvents(events, offer, now, this.waitTable, woken);
  }

  /** Stores events; returns them with their `seq`. */
  private insertEvents(input: AcceptEventsInput["events"]): StoredEvent[] {
    return input.map((event) => {
      const info = this.q.insertEvent.run(fromEvent(event));
      return { ...event, seq: Number(info.lastInsertRowid) };
    });
  }

  /**
   * After `input`'s events and runs are stored: records its debounced events' admissions, applies its flow
   * changes and stores the runs they release.
   */
  private acceptFlow(input: AcceptEventsInput, events: StoredEvent[], runs: RunRecord[]): AcceptEventsResult {
    this.admissions.record(deferralAdmissions(input.flow ?? [], input.now));
    const flow = applyFlowUpdates(input.flow ?? [], events, this.flow);
    runs.push(...this.insertRuns(flow.runs, events, input.now));
    return input.flow ? { events, runs, flow: flow.written } : { events, runs };
  }

  /**
   * Stores runs (skipping those whose dedup key is taken) with their admissions; `events` are the call's
   * stored events.
   */
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
      this.q.insertRun.run(runValues(run));
      this.admissions.record(runAdmissions(entry, run, now));
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
    // A claim lost to a power loss is a claim never made (the run is claimable again), and whatever the
    // execution writes durably commits after it: it waits for no fsync of its own (`runUnsynced`).
    return this.writes.runUnsynced(() => {
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
      runIds.filter((id) => this.q.renewLease.run(until, id, owner, now).changes === 0),
    );
  }

  async releaseLeases(owner: string): Promise<void> {
    await this.writes.run(() => this.q.releaseLeases.run(owner));
  }

  /**
   * The lease check and the upsert are one statement, without a savepoint (`WriteOptions.oneStatement`). Its
   * values are passed as arguments, not as one array: better-sqlite3 reads each element of an array through
   * V8's generic property lookup, which cost more than building the array.
   */
  saveStep(step: StepRow, lease: LeaseFence, options?: SaveStepOptions): Promise<boolean> {
    const save = () =>
      this.q.upsertHeldStep.run(...stepValues(step), step.runId, lease.owner, lease.now).changes > 0;
    return options?.durable === false
      ? this.writes.runUnsynced(save, ONE_STATEMENT)
      : this.writes.run(save, ONE_STATEMENT);
  }

  /** Whether `lease.owner` holds a live lease on the non-terminal run `runId` (call inside a transaction). */
  private holds(runId: string, lease: LeaseFence): boolean {
    return this.q.heldBy.get(runId, lease.owner, lease.now) !== undefined;
  }

  async suspendRun(input: SuspendInput): Promise<SuspendResult | undefined> {
    return this.writes.run(() => {
      if (!this.holds(input.runId, input)) return undefined;
      for (const step of input.steps) this.q.upsertStep.run(stepValues(step));
      for (const wait of input.waits) this.insertWait(wait);
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
      this.deleteWaitsOf(input.runId);
      const ended = this.settleParent(toRun(row), input.endedAt);
      return input.send ? { ...ended, sent: this.accept(input.send) } : ended;
    });
  }

  async cancelRun(runId: string, reason: string | undefined, now: number): Promise<RunRecord | undefined> {
    return this.writes.run(() => {
      const row = this.q.cancelRun.get({ id: runId, reason: reason ?? null, now }) as RunRowDb | undefined;
      if (!row) return undefined;
      this.deleteWaitsOf(runId);
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
        const info = this.q.completeWaiting.run(stepValues(input.completed(event)));
        if (info.changes === 0) return { held: true };
        this.q.deleteWait.run(input.wait.id);
        return { held: true, event };
      }
      this.q.insertStepIfAbsent.run(stepValues(input.pending));
      const current = this.q.getStepStatus.get(input.wait.runId, input.wait.stepId) as { status: string };
      if (current.status === "waiting") this.insertWait(input.wait);
      return { held: true };
    });
  }

  /** Deletes the waits of an ended run; no statement when no wait exists at all (`wait-names.ts`). */
  private deleteWaitsOf(runId: string): void {
    if (this.waitNames.any()) this.q.deleteRunWaits.run(runId);
  }

  /** Inserts (or replaces) a wait row; call inside a transaction. */
  private insertWait(wait: WaitRow): void {
    this.waitNames.add(wait.eventName);
    this.q.insertWait.run(fromWait(wait));
  }

  async listWaits(eventName: string, candidate?: unknown): Promise<WaitRow[]> {
    if (candidate === undefined) {
      if (!this.waitNames.mayHave(eventName)) return [];
      return (this.q.waitsFor.all(eventName) as WaitRowDb[]).map(toWait);
    }
    return this.db.transaction(() => this.waitsFor(eventName, () => candidate))();
  }

  /**
   * The waits for `eventName` without a match key or with `candidate`'s; call inside a transaction. Reads
   * nothing for an event name no wait was registered for (`wait-names.ts`): the offer of every accepted event.
   */
  private waitsFor(eventName: string, candidateOf: () => unknown): WaitRow[] {
    if (!this.waitNames.mayHave(eventName)) return [];
    const rows = this.q.waitsUnkeyed.all(eventName) as WaitRowDb[];
    const fields = this.q.waitMatchFields.all({ name: eventName }) as Array<{ field: string }>;
    for (const { field } of fields) {
      const value = matchValue(candidateOf(), field);
      if (value !== undefined) rows.push(...(this.q.waitsKeyed.all(eventName, field, value) as WaitRowDb[]));
    }
    return rows.map(toWait);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.q.getRun.get(runId) as RunRowDb | undefined;
    return row ? toRun(row) : undefined;
  }

  async listRuns(filter: RunFilter): Promise<{ runs: RunRecord[]; nextCursor?: string }> {
    const limit = checkRunFilter(filter);
    const { sql, params } = listRunsQuery(filter, limit + 1);
    const rows = (this.db.prepare(sql).all(params) as RunRowDb[]).map(toRun);
    return runsPage(rows, limit);
  }

  async getSteps(runId: string): Promise<StepRow[]> {
    return (this.q.getSteps.all(runId) as StepRowDb[]).map(toStep);
  }

  /** Read in the group commit queue, like {@link listDueRuns}. */
  async listBacklogs(): Promise<StoredBacklog[]> {
    return this.writes.read(() =>
      (this.q.backlogs.all() as Array<{ backlog_key: string; runs: number }>).map((row) => ({
        backlogKey: row.backlog_key,
        runs: row.runs,
      })),
    );
  }

  /** Read in the group commit queue, like {@link listDueRuns}. */
  async listBacklogRuns(backlogKey: string, limit: number, after?: BacklogCursor): Promise<RunRecord[]> {
    return this.writes.read(() =>
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

  async listStartedRuns({ functionId, since, limit, after }: StartedRunsQuery): Promise<RunRecord[]> {
    const rows = this.q.startedRuns.all({
      function_id: functionId,
      since,
      limit,
      after_started_at: after?.startedAt ?? Number.MIN_SAFE_INTEGER,
      after_id: after?.id ?? "",
    }) as RunRowDb[];
    return rows.map(toRun);
  }

  /**
   * Read in the group commit queue, after the writes queued before it: its caller resumes only after theirs
   * did, so the recovery sweep never takes a run whose creator (a send, a finish with its onFailure run, an
   * invoke) has not queued it yet.
   */
  async listDueRuns(now: number, limit: number, after?: DueCursor): Promise<RunRecord[]> {
    return this.writes.read(() => {
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

  /** Read in the group commit queue, like {@link listDueRuns}. */
  async listDueFlowPending(until: number, limit: number, after?: FlowPendingCursor): Promise<FlowPending[]> {
    return this.writes.read(() => this.flow.due(until, limit, after));
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

  async listAdmissions(query: AdmissionsQuery): Promise<AdmissionRecord[]> {
    return this.admissions.list(query);
  }

  /**
   * See `Store.sweepRetention`: events, dedup keys, admissions older than every window, ended runs with their
   * steps and usage records (SQLite keeps no other shared flow-control tables), a batch per group-commit write
   * (a batch of runs: one transaction). A delete lost in a power loss is one not made yet, so none waits for
   * an fsync.
   */
  async sweepRetention(input: RetentionInput): Promise<RetentionResult> {
    const { eventsBefore, expiredBefore, batchSize } = input;
    const deleted = noneDeleted();
    deleted.events = await deleteInBatches(input, () =>
      this.writes.runUnsynced(() => this.retention.deleteEvents(eventsBefore, batchSize), ONE_STATEMENT),
    );
    deleted.dedup = await deleteInBatches(input, () =>
      this.writes.runUnsynced(() => this.retention.deleteDedup(expiredBefore, batchSize), ONE_STATEMENT),
    );
    const admittedBefore = expiredBefore - MAX_ADMISSION_WINDOW_MS;
    deleted.admissions = await deleteInBatches(input, () =>
      this.writes.runUnsynced(() => this.admissions.deleteOld(admittedBefore, batchSize), ONE_STATEMENT),
    );
    const { runsBefore, usageBefore } = input;
    if (runsBefore !== undefined)
      await deleteRunsInBatches(
        input,
        () => this.writes.runUnsynced(() => this.retention.deleteRuns(runsBefore, batchSize)),
        deleted,
      );
    if (usageBefore !== undefined)
      deleted.usage = await deleteInBatches(input, () =>
        this.writes.runUnsynced(() => this.retention.deleteUsage(usageBefore, batchSize), ONE_STATEMENT),
      );
    return deleted;
  }
}
