/**
 * A store in process memory, for tests and throwaway apps: same behaviour as the SQLite store (one shared
 * contract suite checks both), nothing survives the process. Records are copied in and out, so callers can
 * never change stored state by mutating an object.
 *
 * @module
 */
import { MAX_ADMISSION_WINDOW_MS } from "../../flow/store-admission.js";
import { deferralAdmissions, runAdmissions } from "../accepted-admissions.js";
import type { AdmissionRecord, AdmissionsQuery } from "../admission-record.js";
import { applyFlowUpdates } from "../apply-flow-pending.js";
import { isBacklogged, queueScoreOf } from "../backlogged.js";
import { checkRunFilter, decodeCursor, runsPage } from "../cursor.js";
import { invokeOutcome } from "../invoke-outcome.js";
import type { LimitOverride } from "../limit-override.js";
import { offerEvents, type SyncWaitTable } from "../offer-waits.js";
import { noneDeleted, type RetentionInput, type RetentionResult } from "../retention.js";
import { TERMINAL_RUN_STATUSES as TERMINAL } from "../run-statuses.js";
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
  StartedRunsQuery,
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

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryStore implements Store {
  readonly kind = "memory";
  readonly shared = false;
  readonly location = "in this process's memory (gone when it exits)";
  /** Stored events in `seq` order (retention deletes some, so an event's index is not its `seq`). */
  private events: StoredEvent[] = [];
  /** The last `seq` handed out (never reused, as SQLite's AUTOINCREMENT and PostgreSQL's identity). */
  private lastSeq = 0;
  private readonly eventsById = new Map<string, StoredEvent>();
  /** The waits and resolutions `offerEvents` works on. */
  private readonly waitTable: SyncWaitTable = {
    waits: (eventName, candidateOf) => this.waitsFor(eventName, candidateOf),
    resolve: (input) => this.resolve(input),
  };
  private readonly runs = new Map<string, RunRecord>();
  private readonly steps = new Map<string, Map<string, StepRow>>();
  private readonly waits = new Map<string, WaitRow>();
  private readonly dedup = new Map<string, number>();
  private readonly flowPending = new Map<string, FlowPending>();
  private readonly limitOverrides = new Map<string, LimitOverride>();
  private readonly usage = new Map<string, UsageRecord>();
  /** Rate-limit and idempotency admissions in (`at`, scope, run id) order (see `AdmissionRecord`). */
  private admissions: AdmissionRecord[] = [];

  async init(): Promise<void> {}

  async close(): Promise<void> {}

  /** Always answers: the data is in this process. */
  async ping(): Promise<void> {}

  async acceptEvents(input: AcceptEventsInput): Promise<AcceptEventsResult> {
    return this.accept(input);
  }

  private accept(input: AcceptEventsInput): AcceptEventsResult {
    const events = input.events.map((event) => {
      this.lastSeq += 1;
      const stored = { ...copy(event), seq: this.lastSeq };
      this.events.push(stored);
      this.eventsById.set(stored.id, stored);
      return copy(stored);
    });
    this.recordAdmissions(deferralAdmissions(input.flow ?? [], input.now));
    const flow = applyFlowUpdates(input.flow ?? [], events, {
      get: (functionId, kind, key) => {
        const entry = this.flowPending.get(flowId(functionId, kind, key));
        return (
          entry &&
          copy({ eventIds: entry.eventIds, lastTs: entry.lastTs, firstAt: entry.firstAt, dueAt: entry.dueAt })
        );
      },
      put: (entry) => this.flowPending.set(flowId(entry.functionId, entry.kind, entry.key), copy(entry)),
      delete: (functionId, kind, key) => this.flowPending.delete(flowId(functionId, kind, key)),
      event: (id) => {
        const event = this.eventsById.get(id);
        return event && copy(event);
      },
    });
    const runs: RunRecord[] = [];
    const entries: Array<NewRun & { eventIndex?: number }> = [...input.runs, ...flow.runs];
    for (const entry of entries) {
      if (entry.dedup) {
        const key = `${entry.dedup.functionId}\u0000${entry.dedup.key}`;
        const expiresAt = this.dedup.get(key);
        if (expiresAt !== undefined && expiresAt > input.now) continue;
        this.dedup.set(key, entry.dedup.expiresAt);
      }
      const seq = entry.eventIndex === undefined ? this.latestSeq() : (events[entry.eventIndex]?.seq ?? 0);
      const run = { ...copy(entry.run), eventSeq: seq };
      this.runs.set(run.id, run);
      this.recordAdmissions(runAdmissions(entry, run, input.now));
      runs.push(copy(run));
    }
    const result = input.flow ? { events, runs, flow: flow.written.map(copy) } : { events, runs };
    if (!input.offer) return result;
    return { ...result, woken: [...offerEvents(events, input.offer, input.now, this.waitTable)] };
  }

  /** Inserts each admission at its place in order (at the end unless a clock went back); one kept is not repeated. */
  private recordAdmissions(records: readonly AdmissionRecord[]): void {
    for (const record of records) {
      const index = countWhile(this.admissions, (kept) => compareAdmissions(kept, record) < 0);
      const found = this.admissions[index];
      if (found === undefined || compareAdmissions(found, record) !== 0)
        this.admissions.splice(index, 0, { ...record });
    }
  }

  async listAdmissions({ since, limit, after }: AdmissionsQuery): Promise<AdmissionRecord[]> {
    const index = countWhile(
      this.admissions,
      (kept) => kept.at <= since || (after !== undefined && compareAdmissions(kept, after) <= 0),
    );
    return this.admissions.slice(index, index + limit).map(copy);
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    const event = this.eventsById.get(id);
    return event ? copy(event) : undefined;
  }

  async claimRun(
    runId: string,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<ClaimedRun | undefined> {
    const run = this.runs.get(runId);
    if (!run || TERMINAL.has(run.status) || run.readyAt === undefined || run.readyAt > now) return undefined;
    if (run.leaseExpiresAt !== undefined && run.leaseExpiresAt > now && run.leaseOwner !== owner)
      return undefined;
    run.status = "running";
    run.startedAt ??= now;
    run.leaseOwner = owner;
    run.leaseExpiresAt = now + leaseMs;
    return { run: copy(run), steps: this.stepList(runId) };
  }

  async renewLeases(owner: string, runIds: string[], until: number, now: number): Promise<string[]> {
    return runIds.filter((id) => {
      const run = this.runs.get(id);
      if (!run || !this.holds(run, { owner, now })) return true;
      run.leaseExpiresAt = until;
      return false;
    });
  }

  async releaseLeases(owner: string): Promise<void> {
    for (const run of this.runs.values()) {
      if (run.leaseOwner === owner) clearLease(run);
    }
  }

  async saveStep(step: StepRow, lease: LeaseFence): Promise<boolean> {
    const run = this.runs.get(step.runId);
    if (!run || !this.holds(run, lease)) return false;
    this.putStep(step);
    return true;
  }

  /** Whether `lease.owner` holds a live lease on the non-terminal `run`. */
  private holds(run: RunRecord, lease: LeaseFence): boolean {
    return (
      !TERMINAL.has(run.status) && run.leaseOwner === lease.owner && (run.leaseExpiresAt ?? 0) > lease.now
    );
  }

  async suspendRun(input: SuspendInput): Promise<SuspendResult | undefined> {
    const run = this.runs.get(input.runId);
    if (!run || !this.holds(run, input)) return undefined;
    for (const step of input.steps) this.putStep(step);
    for (const wait of input.waits) this.waits.set(wait.id, copy(wait));
    const children = input.children.runs.length > 0 ? this.accept(input.children).runs : [];
    let readyAt = input.readyAt;
    for (const stepId of input.awaiting) {
      const status = this.steps.get(input.runId)?.get(stepId)?.status;
      if (status === "completed" || status === "failed") readyAt = input.now;
    }
    run.status = input.status;
    run.readyAt = readyAt;
    run.attempt = input.attempt;
    clearLease(run);
    return { readyAt, children };
  }

  async finishRun(input: FinishInput): Promise<FinishedRun | undefined> {
    const run = this.runs.get(input.runId);
    if (!run || TERMINAL.has(run.status)) return undefined;
    if (input.owner !== undefined && run.leaseOwner !== input.owner) return undefined;
    run.status = input.status;
    if (input.outputText !== undefined) run.outputText = input.outputText;
    if (input.error !== undefined) run.error = copy(input.error);
    run.endedAt = input.endedAt;
    delete run.readyAt;
    clearLease(run);
    this.deleteWaits(input.runId);
    const ended = this.settleParent(run, input.endedAt);
    return input.send ? { ...ended, sent: this.accept(input.send) } : ended;
  }

  async cancelRun(runId: string, reason: string | undefined, now: number): Promise<RunRecord | undefined> {
    const run = this.runs.get(runId);
    if (!run || TERMINAL.has(run.status)) return undefined;
    run.status = "cancelled";
    if (reason !== undefined) run.cancelReason = reason;
    run.endedAt = now;
    delete run.readyAt;
    this.deleteWaits(runId);
    return this.settleParent(run, now);
  }

  async resolveStep(input: ResolveStepInput): Promise<boolean> {
    return this.resolve(input);
  }

  /** Resolves the invoking run's step with the ended `run`'s outcome; returns a copy of `run`. */
  private settleParent(run: RunRecord, now: number): RunRecord {
    const outcome = invokeOutcome(run, now);
    if (outcome) this.resolve(outcome);
    return copy(run);
  }

  private resolve(input: ResolveStepInput): boolean {
    if (input.owner !== undefined) {
      const run = this.runs.get(input.runId);
      if (!run || !this.holds(run, { owner: input.owner, now: input.now })) return false;
    }
    const steps = this.steps.get(input.runId);
    const step = steps?.get(input.stepId);
    if (!steps || step?.status !== "waiting") return false;
    if (input.eventId !== undefined && [...steps.values()].some((row) => row.eventId === input.eventId))
      return false;
    step.status = input.status;
    if (input.outputText !== undefined) step.outputText = input.outputText;
    if (input.error !== undefined) step.error = copy(input.error);
    if (input.eventId !== undefined) step.eventId = input.eventId;
    step.endedAt = input.now;
    delete step.wakeAt;
    if (input.waitId !== undefined) this.waits.delete(input.waitId);
    const run = this.runs.get(input.runId);
    if (run && !TERMINAL.has(run.status) && (run.readyAt === undefined || run.readyAt > input.now)) {
      run.readyAt = input.now;
    }
    return true;
  }

  async registerWait(input: RegisterWaitInput): Promise<RegisterWaitResult> {
    const run = this.runs.get(input.wait.runId);
    if (!run || !this.holds(run, input.lease)) return { held: false };
    const consumed = new Set(
      [...(this.steps.get(input.wait.runId)?.values() ?? [])].map((row) => row.eventId),
    );
    for (const event of this.eventsAfter(input.wait.afterSeq)) {
      if (event.name !== input.wait.eventName || consumed.has(event.id)) continue;
      if (!input.matches(copy(event))) continue;
      const current = this.steps.get(input.wait.runId)?.get(input.wait.stepId);
      if (current && current.status !== "waiting") return { held: true };
      this.putStep(input.completed(copy(event)));
      this.waits.delete(input.wait.id);
      return { held: true, event: copy(event) };
    }
    const current = this.steps.get(input.wait.runId)?.get(input.wait.stepId);
    if (!current) this.putStep(input.pending);
    if ((current ?? input.pending).status === "waiting") this.waits.set(input.wait.id, copy(input.wait));
    return { held: true };
  }

  async listWaits(eventName: string, candidate?: unknown): Promise<WaitRow[]> {
    return this.waitsFor(eventName, candidate === undefined ? undefined : () => candidate);
  }

  /** `listWaits`, synchronously. */
  /** `candidateOf` absent: every wait for `eventName`, whatever its match key. */
  private waitsFor(eventName: string, candidateOf?: () => unknown): WaitRow[] {
    const keyed = (wait: WaitRow) =>
      candidateOf === undefined ||
      !wait.match ||
      matchValue(candidateOf(), wait.match.field) === wait.match.value;
    return [...this.waits.values()].filter((wait) => wait.eventName === eventName && keyed(wait)).map(copy);
  }

  /** The latest stored event's `seq` (0 when none), as SQL's `MAX(seq)`. */
  private latestSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  /** The stored events with a `seq` after `seq`, in order (a binary search for the first). */
  private eventsAfter(seq: number): StoredEvent[] {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.events[middle]?.seq ?? 0) <= seq) low = middle + 1;
      else high = middle;
    }
    return this.events.slice(low);
  }

  /** See `Store.sweepRetention` (one pass: a store in memory has no transaction to keep short). */
  async sweepRetention(input: RetentionInput): Promise<RetentionResult> {
    const deleted = noneDeleted();
    if (input.signal?.aborted) return deleted;
    let oldestLive = Number.POSITIVE_INFINITY;
    for (const run of this.runs.values())
      if (!TERMINAL.has(run.status)) oldestLive = Math.min(oldestLive, run.eventSeq);
    const held = new Set([...this.flowPending.values()].flatMap((entry) => entry.eventIds));
    const doomed = new Set<StoredEvent>();
    for (const event of this.events) {
      if (event.seq >= oldestLive) break;
      if (held.has(event.id)) continue;
      if (event.receivedAt >= input.eventsBefore) break;
      doomed.add(event);
    }
    if (doomed.size > 0) {
      this.events = this.events.filter((event) => !doomed.has(event));
      for (const event of doomed) this.eventsById.delete(event.id);
    }
    deleted.events = doomed.size;
    for (const [key, expiresAt] of this.dedup) {
      if (expiresAt > input.expiredBefore) continue;
      this.dedup.delete(key);
      deleted.dedup += 1;
    }
    const admittedBefore = input.expiredBefore - MAX_ADMISSION_WINDOW_MS;
    deleted.admissions = countWhile(this.admissions, (kept) => kept.at <= admittedBefore);
    this.admissions.splice(0, deleted.admissions);
    if (input.runsBefore !== undefined) this.deleteEndedRuns(input.runsBefore, deleted);
    if (input.usageBefore !== undefined) {
      for (const [id, record] of this.usage) {
        if (record.at >= input.usageBefore) continue;
        this.usage.delete(id);
        deleted.usage += 1;
      }
    }
    return deleted;
  }

  /** The runs rule of `src/store/retention.ts`: terminal, ended before `before`, no live parent or child. */
  private deleteEndedRuns(before: number, deleted: RetentionResult): void {
    const live = (runId: string | undefined) => {
      const run = runId === undefined ? undefined : this.runs.get(runId);
      return run !== undefined && !TERMINAL.has(run.status);
    };
    const liveParents = new Set<string>();
    for (const run of this.runs.values())
      if (run.parent && !TERMINAL.has(run.status)) liveParents.add(run.parent.runId);
    for (const [id, run] of this.runs) {
      if (!TERMINAL.has(run.status) || run.endedAt === undefined || run.endedAt >= before) continue;
      if (live(run.parent?.runId) || liveParents.has(id)) continue;
      this.runs.delete(id);
      deleted.runs += 1;
      deleted.steps += this.steps.get(id)?.size ?? 0;
      this.steps.delete(id);
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const run = this.runs.get(runId);
    return run ? copy(run) : undefined;
  }

  async listRuns(filter: RunFilter): Promise<{ runs: RunRecord[]; nextCursor?: string }> {
    const limit = checkRunFilter(filter);
    const cursor = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    const selected = [...this.runs.values()]
      .filter(
        (run) =>
          (filter.functionId === undefined || run.functionId === filter.functionId) &&
          (filter.status === undefined || run.status === filter.status) &&
          (filter.concurrencyKey === undefined ||
            (run.concurrencyKeys ?? []).includes(filter.concurrencyKey)) &&
          (filter.since === undefined || run.createdAt >= filter.since) &&
          (filter.until === undefined || run.createdAt < filter.until) &&
          (filter.startedSince === undefined ||
            (run.startedAt !== undefined && run.startedAt >= filter.startedSince)) &&
          (cursor === undefined ||
            run.createdAt < cursor.createdAt ||
            (run.createdAt === cursor.createdAt && run.id < cursor.id)),
      )
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return runsPage(selected.slice(0, limit + 1).map(copy), limit);
  }

  async getSteps(runId: string): Promise<StepRow[]> {
    return this.stepList(runId);
  }

  async listBacklogs(): Promise<StoredBacklog[]> {
    const counts = new Map<string, number>();
    for (const run of this.runs.values()) {
      if (isBacklogged(run)) counts.set(run.backlogKey, (counts.get(run.backlogKey) ?? 0) + 1);
    }
    return [...counts]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([backlogKey, runs]) => ({ backlogKey, runs }));
  }

  async listBacklogRuns(backlogKey: string, limit: number, after?: BacklogCursor): Promise<RunRecord[]> {
    const runs = [...this.runs.values()].filter((run) => run.backlogKey === backlogKey && isBacklogged(run));
    return page(runs, queueScoreOf, limit, after && [after.score, after.id]);
  }

  async listStartedRuns({ functionId, since, limit, after }: StartedRunsQuery): Promise<RunRecord[]> {
    const runs = [...this.runs.values()].filter(
      (run) => run.functionId === functionId && run.startedAt !== undefined && run.startedAt >= since,
    );
    return page(runs, (run) => run.startedAt ?? 0, limit, after && [after.startedAt, after.id]);
  }

  async listDueRuns(now: number, limit: number, after?: DueCursor): Promise<RunRecord[]> {
    const due = [...this.runs.values()].filter(
      (run) =>
        run.readyAt !== undefined &&
        run.readyAt <= now &&
        !TERMINAL.has(run.status) &&
        !isBacklogged(run) &&
        (run.leaseExpiresAt === undefined || run.leaseExpiresAt <= now),
    );
    return page(due, (run) => run.readyAt ?? 0, limit, after && [after.readyAt, after.id]);
  }

  async listFlowPending(): Promise<FlowPending[]> {
    return [...this.flowPending.values()].map(copy);
  }

  async listDueFlowPending(until: number, limit: number, after?: FlowPendingCursor): Promise<FlowPending[]> {
    const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    const order = (a: FlowPendingCursor, b: FlowPendingCursor) =>
      a.dueAt - b.dueAt || text(a.functionId, b.functionId) || text(a.kind, b.kind) || text(a.key, b.key);
    return [...this.flowPending.values()]
      .filter((entry) => entry.dueAt <= until && (after === undefined || order(entry, after) > 0))
      .sort(order)
      .slice(0, limit)
      .map(copy);
  }

  async setWaitReason(runId: string, reason: string): Promise<void> {
    const run = this.runs.get(runId);
    if (run) run.waitReason = reason;
  }

  async putLimitOverride(override: LimitOverride): Promise<void> {
    this.limitOverrides.set(overrideId(override.functionId, override.key), copy(override));
  }

  async getLimitOverride(functionId: string, key: string): Promise<LimitOverride | undefined> {
    const override = this.limitOverrides.get(overrideId(functionId, key));
    return override && copy(override);
  }

  async deleteLimitOverride(functionId: string, key: string): Promise<boolean> {
    return this.limitOverrides.delete(overrideId(functionId, key));
  }

  async listLimitOverrides(functionId?: string): Promise<LimitOverride[]> {
    return [...this.limitOverrides.values()]
      .filter((override) => functionId === undefined || override.functionId === functionId)
      .sort((a, b) => compare(a.functionId, b.functionId) || compare(a.key, b.key))
      .map(copy);
  }

  async recordUsage(records: UsageRecord[]): Promise<void> {
    for (const record of records) this.usage.set(record.id, copy(record));
  }

  async listUsage(runId: string): Promise<UsageRecord[]> {
    return [...this.usage.values()]
      .filter((record) => record.runId === runId)
      .sort((a, b) => a.at - b.at || compare(a.id, b.id))
      .map(copy);
  }

  async usageTotals(query: UsageQuery): Promise<UsageTotal[]> {
    const totals = new Map<string, UsageTotal>();
    for (const record of this.usage.values()) {
      if (!matchesUsage(record, query)) continue;
      const id = `${record.tenantKey}\u0000${record.model}`;
      let total = totals.get(id);
      if (!total) {
        total = {
          tenantKey: record.tenantKey,
          model: record.model,
          calls: 0,
          inputTokens: 0,
          outputTokens: 0,
          cachedInputTokens: 0,
        };
        totals.set(id, total);
      }
      total.calls += 1;
      total.inputTokens += record.inputTokens;
      total.outputTokens += record.outputTokens;
      total.cachedInputTokens += record.cachedInputTokens ?? 0;
    }
    return [...totals.values()].sort(
      (a, b) => compare(a.tenantKey, b.tenantKey) || compare(a.model, b.model),
    );
  }

  private putStep(step: StepRow): void {
    let steps = this.steps.get(step.runId);
    if (!steps) {
      steps = new Map();
      this.steps.set(step.runId, steps);
    }
    steps.set(step.id, copy(step));
  }

  private stepList(runId: string): StepRow[] {
    const steps = [...(this.steps.get(runId)?.values() ?? [])];
    return steps.sort((a, b) => a.position - b.position || a.startedAt - b.startedAt).map(copy);
  }

  private deleteWaits(runId: string): void {
    for (const [id, wait] of this.waits) if (wait.runId === runId) this.waits.delete(id);
  }
}

const flowId = (functionId: string, kind: string, key: string) => `${functionId}\u0000${kind}\u0000${key}`;

function clearLease(run: RunRecord): void {
  delete run.leaseOwner;
  delete run.leaseExpiresAt;
}

const overrideId = (functionId: string, key: string): string => `${functionId}\u0000${key}`;

/** Binary string order, as SQLite's default collation sorts TEXT. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function matchesUsage(record: UsageRecord, query: UsageQuery): boolean {
  return (
    (query.since === undefined || record.at >= query.since) &&
    (query.until === undefined || record.at < query.until) &&
    (query.functionId === undefined || record.functionId === query.functionId) &&
    (query.tenantKey === undefined || record.tenantKey === query.tenantKey) &&
    (query.runId === undefined || record.runId === query.runId)
  );
}

/** Copies of `runs` ordered by `key`, then id: at most `limit`, after the cursor `[key, id]`. */
function page(
  runs: RunRecord[],
  key: (run: RunRecord) => number,
  limit: number,
  after: [number, string] | undefined,
): RunRecord[] {
  return runs
    .filter(
      (run) => after === undefined || key(run) > after[0] || (key(run) === after[0] && run.id > after[1]),
    )
    .sort((a, b) => key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, limit)
    .map(copy);
}

/** Orders admissions by `at`, then scope, then run id. */
function compareAdmissions(a: AdmissionRecord, b: AdmissionRecord): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.scope !== b.scope) return a.scope < b.scope ? -1 : 1;
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}

/** How many of the ordered `admissions` come first with `before` true (a binary search: it must hold for a prefix). */
function countWhile(
  admissions: readonly AdmissionRecord[],
  before: (kept: AdmissionRecord) => boolean,
): number {
  let low = 0;
  let high = admissions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (before(admissions[middle]!)) low = middle + 1;
    else high = middle;
  }
  return low;
}
