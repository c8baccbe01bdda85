/**
 * SQL row shapes and their mappers to the Store contract's records (and back), shared by the SQLite and
 * PostgreSQL stores (both keep JSON as TEXT and times as integer ms).
 *
 * @module
 */
import type { SerializedError } from "../../errors/index.js";
import { queueScoreOf } from "../backlogged.js";
import type { RunRecord, StepRow, StoredEvent, WaitRow } from "../store.js";

export interface EventRowDb {
  seq: number;
  id: string;
  name: string;
  data: string;
  ts: number;
  v: string | null;
  user_id: string | null;
  received_at: number;
}

export interface RunRowDb {
  id: string;
  function_id: string;
  status: string;
  event_ids: string;
  events: string;
  output: string | null;
  error: string | null;
  attempt: number;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  ready_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  event_seq: number;
  backlog_key: string;
  /** `queueScore ?? created_at` (always set, so the backlog index orders every row). */
  queue_score: number;
  concurrency_keys: string | null;
  flow_keys: string | null;
  warnings: string | null;
  trace_parent: string | null;
  wait_reason: string | null;
  skip_reason: string | null;
  cancel_reason: string | null;
  parent_run_id: string | null;
  parent_step_id: string | null;
}

export interface StepRowDb {
  run_id: string;
  id: string;
  name: string;
  op: string;
  status: string;
  position: number;
  input: string | null;
  output: string | null;
  error: string | null;
  attempts: number;
  started_at: number;
  ended_at: number | null;
  wake_at: number | null;
  event_id: string | null;
  settled_seq: number | null;
}

export interface WaitRowDb {
  id: string;
  run_id: string;
  step_id: string;
  event_name: string;
  expression: string | null;
  trigger_event: string;
  expires_at: number;
  after_seq: number;
  match_field: string | null;
  match_value: string | null;
}

/** Sets `key` on `target` only when `value` is not null (keeps optional fields absent, not `undefined`). */
function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | null): void {
  if (value !== null && value !== undefined) target[key] = value;
}

/** The row of an event not stored yet (no `seq`: the store assigns it). The inverse of `toEvent`. */
export function fromEvent(event: Omit<StoredEvent, "seq">): Omit<EventRowDb, "seq"> {
  return {
    id: event.id,
    name: event.name,
    data: JSON.stringify(event.data),
    ts: event.ts,
    v: event.v ?? null,
    user_id: event.userId ?? null,
    received_at: event.receivedAt,
  };
}

export function toEvent(row: EventRowDb): StoredEvent {
  const event: StoredEvent = {
    id: row.id,
    name: row.name,
    data: JSON.parse(row.data) as Record<string, unknown>,
    ts: row.ts,
    receivedAt: row.received_at,
    seq: row.seq,
  };
  setIf(event, "v", row.v);
  setIf(event, "userId", row.user_id);
  return event;
}

export function toRun(row: RunRowDb): RunRecord {
  const run: RunRecord = {
    id: row.id,
    functionId: row.function_id,
    status: row.status as RunRecord["status"],
    eventIds: JSON.parse(row.event_ids) as string[],
    events: JSON.parse(row.events) as RunRecord["events"],
    attempt: row.attempt,
    createdAt: row.created_at,
    eventSeq: row.event_seq,
    backlogKey: row.backlog_key,
  };
  setIf(run, "outputText", row.output);
  if (row.error !== null) run.error = JSON.parse(row.error) as SerializedError;
  setIf(run, "startedAt", row.started_at);
  setIf(run, "endedAt", row.ended_at);
  setIf(run, "readyAt", row.ready_at);
  setIf(run, "leaseOwner", row.lease_owner);
  setIf(run, "leaseExpiresAt", row.lease_expires_at);
  if (row.queue_score !== row.created_at) run.queueScore = row.queue_score;
  if (row.concurrency_keys !== null) run.concurrencyKeys = JSON.parse(row.concurrency_keys) as string[];
  if (row.flow_keys !== null) run.flowKeys = JSON.parse(row.flow_keys) as RunRecord["flowKeys"];
  if (row.warnings !== null) run.warnings = JSON.parse(row.warnings) as string[];
  setIf(run, "traceParent", row.trace_parent);
  setIf(run, "waitReason", row.wait_reason);
  setIf(run, "skipReason", row.skip_reason);
  setIf(run, "cancelReason", row.cancel_reason);
  if (row.parent_run_id !== null && row.parent_step_id !== null) {
    run.parent = { runId: row.parent_run_id, stepId: row.parent_step_id };
  }
  return run;
}

/** The columns of a `runs` row, in the order of `runValues`. */
export const RUN_COLUMNS = [
  "id",
  "function_id",
  "status",
  "event_ids",
  "events",
  "output",
  "error",
  "attempt",
  "created_at",
  "started_at",
  "ended_at",
  "ready_at",
  "lease_owner",
  "lease_expires_at",
  "event_seq",
  "backlog_key",
  "queue_score",
  "concurrency_keys",
  "flow_keys",
  "warnings",
  "trace_parent",
  "wait_reason",
  "skip_reason",
  "cancel_reason",
  "parent_run_id",
  "parent_step_id",
] as const satisfies ReadonlyArray<keyof RunRowDb>;

/** `run`'s column values in the order of `RUN_COLUMNS`: the positional parameters of SQLite's run insert. */
export function runValues(run: RunRecord): Array<string | number | null> {
  return [
    run.id,
    run.functionId,
    run.status,
    JSON.stringify(run.eventIds),
    JSON.stringify(run.events),
    run.outputText ?? null,
    run.error ? JSON.stringify(run.error) : null,
    run.attempt,
    run.createdAt,
    run.startedAt ?? null,
    run.endedAt ?? null,
    run.readyAt ?? null,
    run.leaseOwner ?? null,
    run.leaseExpiresAt ?? null,
    run.eventSeq,
    run.backlogKey,
    queueScoreOf(run),
    run.concurrencyKeys ? JSON.stringify(run.concurrencyKeys) : null,
    run.flowKeys ? JSON.stringify(run.flowKeys) : null,
    run.warnings ? JSON.stringify(run.warnings) : null,
    run.traceParent ?? null,
    run.waitReason ?? null,
    run.skipReason ?? null,
    run.cancelReason ?? null,
    run.parent?.runId ?? null,
    run.parent?.stepId ?? null,
  ];
}

/** `run` as a row object (`runValues` by column name). */
export function fromRun(run: RunRecord): RunRowDb {
  return byColumn(RUN_COLUMNS, runValues(run)) as unknown as RunRowDb;
}

export function toStep(row: StepRowDb): StepRow {
  const step: StepRow = {
    runId: row.run_id,
    id: row.id,
    name: row.name,
    op: row.op as StepRow["op"],
    status: row.status as StepRow["status"],
    position: row.position,
    attempts: row.attempts,
    startedAt: row.started_at,
  };
  setIf(step, "inputText", row.input);
  setIf(step, "outputText", row.output);
  if (row.error !== null) step.error = JSON.parse(row.error) as SerializedError;
  setIf(step, "endedAt", row.ended_at);
  setIf(step, "wakeAt", row.wake_at);
  setIf(step, "eventId", row.event_id);
  setIf(step, "settledSeq", row.settled_seq);
  return step;
}

/** The columns of a `steps` row, in the order of `stepValues`. */
export const STEP_COLUMNS = [
  "run_id",
  "id",
  "name",
  "op",
  "status",
  "position",
  "input",
  "output",
  "error",
  "attempts",
  "started_at",
  "ended_at",
  "wake_at",
  "event_id",
  "settled_seq",
] as const satisfies ReadonlyArray<keyof StepRowDb>;

/**
 * `step`'s column values in the order of `STEP_COLUMNS`: the positional parameters of SQLite's step
 * statements (binding an array costs better-sqlite3 far less than looking up each named parameter).
 */
export function stepValues(step: StepRow): Array<string | number | null> {
  return [
    step.runId,
    step.id,
    step.name,
    step.op,
    step.status,
    step.position,
    step.inputText ?? null,
    step.outputText ?? null,
    step.error ? JSON.stringify(step.error) : null,
    step.attempts,
    step.startedAt,
    step.endedAt ?? null,
    step.wakeAt ?? null,
    step.eventId ?? null,
    step.settledSeq ?? null,
  ];
}

/** `step` as a row object (`stepValues` by column name). */
export function fromStep(step: StepRow): StepRowDb {
  return byColumn(STEP_COLUMNS, stepValues(step)) as unknown as StepRowDb;
}

/** An object with `values[i]` under `columns[i]`. */
function byColumn(columns: readonly string[], values: unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  columns.forEach((column, index) => {
    row[column] = values[index];
  });
  return row;
}

export function toWait(row: WaitRowDb): WaitRow {
  const wait: WaitRow = {
    id: row.id,
    runId: row.run_id,
    stepId: row.step_id,
    eventName: row.event_name,
    triggerEvent: JSON.parse(row.trigger_event) as WaitRow["triggerEvent"],
    expiresAt: row.expires_at,
    afterSeq: row.after_seq,
  };
  setIf(wait, "expression", row.expression);
  if (row.match_field !== null && row.match_value !== null) {
    wait.match = { field: row.match_field, value: row.match_value };
  }
  return wait;
}

export function fromWait(wait: WaitRow): WaitRowDb {
  return {
    id: wait.id,
    run_id: wait.runId,
    step_id: wait.stepId,
    event_name: wait.eventName,
    expression: wait.expression ?? null,
    trigger_event: JSON.stringify(wait.triggerEvent),
    expires_at: wait.expiresAt,
    after_seq: wait.afterSeq,
    match_field: wait.match?.field ?? null,
    match_value: wait.match?.value ?? null,
  };
}
