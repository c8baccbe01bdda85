/**
 * Store records → the API's views (`Run`, `StepRecord`): outputs deserialized, internals left out.
 *
 * @module
 */
import type { RunRecord, StepRow } from "../store/store.js";
import { deserialize } from "./serializer.js";
import type { FairwayEvent } from "./step-types.js";
import type { Run, StepRecord } from "./types.js";

export function toRun(record: RunRecord): Run {
  const events = record.events as FairwayEvent[];
  const run: Run = {
    id: record.id,
    functionId: record.functionId,
    status: record.status,
    eventIds: record.eventIds,
    event: events[0] as FairwayEvent,
    events,
    attempt: record.attempt,
    createdAt: record.createdAt,
  };
  if (record.outputText !== undefined) run.output = deserialize(record.outputText);
  if (record.error) run.error = record.error;
  if (record.startedAt !== undefined) run.startedAt = record.startedAt;
  if (record.endedAt !== undefined) run.endedAt = record.endedAt;
  if (record.concurrencyKeys) run.concurrencyKeys = record.concurrencyKeys;
  if (record.warnings) run.warnings = record.warnings;
  if (record.skipReason !== undefined) run.skipReason = record.skipReason;
  if (record.waitReason !== undefined) run.waitReason = record.waitReason;
  if (record.cancelReason !== undefined) run.cancelReason = record.cancelReason;
  if (record.parent) run.parentRunId = record.parent.runId;
  return run;
}

export function toStepRecord(row: StepRow): StepRecord {
  const step: StepRecord = {
    id: row.name,
    op: row.op,
    status: row.status,
    attempts: row.attempts,
    startedAt: row.startedAt,
  };
  if (row.inputText !== undefined) step.input = deserialize(row.inputText);
  if (row.outputText !== undefined) step.output = deserialize(row.outputText);
  if (row.error) step.error = row.error;
  if (row.endedAt !== undefined) step.endedAt = row.endedAt;
  if (row.wakeAt !== undefined) step.wakeAt = row.wakeAt;
  return step;
}
