/**
 * The scheduling pipeline: from sent events to stored events and queued runs.
 *
 * 1. validate the events (nothing is stored if one is bad);
 * 2. match each event against every function's triggers (fan-out; trigger `if` is CEL over `event`);
 * 3. run the schedule-time stages on each candidate run, in order (`ScheduleStage`): today event-id dedup
 *    and the future-`ts` delay; flow control adds rate limit, idempotency, debounce, batching, singleton;
 * 4. store events and runs in one transaction (`Store.acceptEvents`), which also offers each event to the
 *    pending waits for its name (`WaitOffer`: exactly-once resolution in the store, in the same transaction);
 * 5. queue the runs created and the runs whose wait an event resolved.
 *
 * A send of more than `SEND_SLICE` events does steps 1–3 and 5 a slice of events per event-loop turn, and
 * the store writes step 4 in slices too (still one transaction), so a 5,000-event send does not stall the
 * process: it stays all-or-nothing (a bad event or a failed write stores nothing), and its runs are queued
 * only once all of it is stored.
 *
 * @module
 */

import { ValidationError, type ValidationIssue } from "../errors/index.js";
import { type CompiledExpression, compileExpression, matches } from "../expr/cel.js";
import type { RunAdmission } from "../flow/store-admission.js";
import type { DeferralAdmission } from "../store/flow-pending.js";
import type {
  AcceptEventsInput,
  AcceptEventsResult,
  FlowPending,
  FlowPendingKind,
  FlowPendingUpdate,
  NewRun,
  RunRecord,
  Store,
  StoredEvent,
  WaitOffer,
  WaitRow,
} from "../store/store.js";
import type { Clock } from "./clock.js";
import type { EventSchemas } from "./event-schemas.js";
import { checkEvents, eventsAsJson, sendList, validateEvents } from "./event-validation.js";
import { backlogKey } from "./ready-queue.js";
import type { RegisteredFunction } from "./registered-function.js";
import { serialize } from "./serializer.js";
import type { EventPayload } from "./step-types.js";
import { toHandlerEvent } from "./step-waits.js";

/** Events a send handles per event-loop turn; a bigger send is validated, fanned out and queued in slices. */
export const SEND_SLICE = 100;

/** One event-loop turn: lets I/O, timers and other requests run between the slices of a big send. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How long a sender's event `id` deduplicates runs per function: 24 h. */
export const DEDUP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A run about to be created, as the stages see and change it. */
export interface RunCandidate {
  fn: RegisteredFunction;
  event: StoredEvent;
  eventIndex: number;
  run: RunRecord;
  dedup?: { functionId: string; key: string; expiresAt: number };
  /** Set by flow control: what a store that decides admission checks again (`NewRun.admission`). */
  admission?: RunAdmission;
  /** The run's events were already stored and released by a debounce or batch (`eventIndex` is -1). */
  released?: boolean;
  /** Set by flow control: no run now; this debounce or batch change is stored with the event instead. */
  defer?: Deferral;
}

/** A change to the pending debounce or batch `key` of a function, applied by the store (`FlowPendingUpdate`). */
export interface Deferral {
  kind: FlowPendingKind;
  key: string;
  apply: FlowPendingUpdate["apply"];
  /** The event's rate limit and idempotency, for a store that decides admission (`FlowPendingUpdate.admission`). */
  admission?: DeferralAdmission;
}

/** A schedule-time stage: returns the (possibly changed) candidate, or `undefined` to drop it. */
export type ScheduleStage = (candidate: RunCandidate, now: number) => RunCandidate | undefined;

/** Event-id dedup: a sender's `id` starts at most one run per function per 24 h. */
export const eventIdDedup: ScheduleStage = (candidate, now) => {
  const key = candidate.event.userId;
  if (key === undefined) return candidate;
  return { ...candidate, dedup: { functionId: candidate.fn.id, key, expiresAt: now + DEDUP_WINDOW_MS } };
};

/** A future event `ts` delays the run until then. */
export const futureTsDelay: ScheduleStage = (candidate, now) => {
  if (candidate.event.ts <= now) return candidate;
  return { ...candidate, run: { ...candidate.run, readyAt: candidate.event.ts } };
};

export interface SchedulerDeps {
  store: Store;
  clock: Clock;
  newId: () => string;
  functions: () => Iterable<RegisteredFunction>;
  stages: ScheduleStage[];
  /** Called with the runs created, after they are stored. */
  onRunsCreated: (runs: RunRecord[]) => void;
  /** Called when an event resolved a pending wait of `runId` (in the transaction that stored the event). */
  onWaitResolved: (runId: string) => Promise<void>;
  /** Called with the events stored, after `onRunsCreated` (flow control's cancelOn). */
  onEventsStored?: (events: StoredEvent[]) => void;
  /**
   * Called with the ids of runs that passed every stage but were not created (deduplicated, or their store
   * call failed), and of the runs of debounced events whose deferral was not stored (see `DeferralAdmission`).
   */
  onRunsDropped?: (runIds: string[]) => void;
  /** Called with the run ids of `DeferralAdmission`s whose event joined its debounce (the store applied it). */
  onDeferralsApplied?: (runIds: string[]) => void;
  /** Called with the runs whose singleton key a created run took over (`AcceptEventsResult.replaced`). */
  onRunsReplaced?: (replaced: Array<{ runId: string; by: string }>) => void;
  /** Called with the debounce and batch entries a store call left written (to arm their timers). */
  onFlowPending?: (entries: FlowPending[]) => void;
  /** Declared event schemas: sent events of these names are checked and parsed. */
  schemas?: EventSchemas;
}

export class Scheduler {
  /** Runs stored by a `commit` still queueing them a slice per turn (a big send). */
  readonly #committing = new Set<string>();

  constructor(private readonly deps: SchedulerDeps) {}

  /**
   * How the store offers each event it accepts to pending waits, in the accept's transaction: a wait takes
   * an event received after its run was scheduled (`afterSeq`), not after its timeout, that its CEL `if`
   * (or `match`) accepts; its step's output is the serialized handler event.
   */
  readonly #offer: WaitOffer = {
    candidate: toHandlerEvent,
    resolves: (wait, event, candidate) => {
      const handlerEvent = candidate as ReturnType<typeof toHandlerEvent>; // built by `candidate` above
      // A wait past its timeout takes no event received after it (its run resolves it as timed out).
      const late = event.receivedAt > wait.expiresAt;
      if (late || event.seq <= wait.afterSeq || !waitMatches(wait, handlerEvent)) return undefined;
      return serialize(handlerEvent, `waitForEvent of run ${wait.runId}`);
    },
  };

  /** Whether `runId` is stored and about to be queued by a `commit` in progress (the sweep leaves it be). */
  isCommitting(runId: string): boolean {
    return this.#committing.has(runId);
  }

  /** Sent events of declared names with their data checked and parsed by the schemas (engine events pass). */
  #parseData(events: EventPayload[], single: boolean, internal: boolean): EventPayload[] {
    return this.deps.schemas && !internal ? this.deps.schemas.parse(events, single) : events;
  }

  /** Validates, stores and fans out `input`. `internal` allows engine-reserved event names. */
  async send(input: EventPayload | EventPayload[], internal = false): Promise<{ ids: string[] }> {
    const list = sendList(input);
    if (list.length <= SEND_SLICE) return this.accept(this.prepare(input, internal));
    return this.accept(await this.prepareInSlices(list, internal));
  }

  /**
   * Steps 1–3 of a send without storing anything: what `Store.acceptEvents` (or another store transaction,
   * such as `finishRun`'s `send`) is to write. Hand the store's result to `commit`, or the input to `abandon`
   * if the transaction wrote nothing. Throws like `send`.
   */
  prepare(input: EventPayload | EventPayload[], internal = false): AcceptEventsInput {
    const payloads = this.#parseData(
      validateEvents(input, internal, this.deps.clock.now()),
      !Array.isArray(input),
      internal,
    );
    const now = this.deps.clock.now();
    const staged = this.fanOut(
      payloads.map((payload) => this.toStored(payload, now)),
      now,
    );
    return { ...staged, offer: this.#offer };
  }

  /**
   * `prepare` of a big send, `SEND_SLICE` events per event-loop turn: every event is checked before any is
   * fanned out (one ValidationError listing every issue), then each slice is fanned out and staged.
   */
  private async prepareInSlices(list: EventPayload[], internal: boolean): Promise<AcceptEventsInput> {
    const issues: ValidationIssue[] = [];
    const received = this.deps.clock.now();
    for (let start = 0; start < list.length; start += SEND_SLICE) {
      if (start > 0) await nextTurn();
      checkEvents(list, start, Math.min(start + SEND_SLICE, list.length), false, internal, received, issues);
    }
    if (issues.length > 0) throw new ValidationError("events", issues);
    const checked = this.#parseData(list, false, internal);
    const now = this.deps.clock.now();
    const whole: Required<Omit<AcceptEventsInput, "offer">> = { now, events: [], runs: [], flow: [] };
    for (let start = 0; start < list.length; start += SEND_SLICE) {
      await nextTurn();
      const payloads = eventsAsJson(checked, start, Math.min(start + SEND_SLICE, list.length), internal);
      const part = this.fanOut(
        payloads.map((payload) => this.toStored(payload, now)),
        now,
      );
      const shift = <T extends { eventIndex?: number }>(entry: T): T =>
        entry.eventIndex === undefined ? entry : { ...entry, eventIndex: entry.eventIndex + start };
      whole.events.push(...part.events);
      whole.runs.push(...part.runs.map(shift));
      whole.flow.push(...(part.flow ?? []).map(shift));
    }
    const { flow, ...rest } = whole;
    return { ...(flow.length > 0 ? whole : rest), offer: this.#offer };
  }

  /** Steps 2–3: the runs `events` start (fan-out to every function they trigger), through the stages. */
  private fanOut(events: StoredEvent[], now: number): AcceptEventsInput {
    const candidates: RunCandidate[] = [];
    events.forEach((event, eventIndex) => {
      for (const fn of this.deps.functions()) {
        if (triggers(fn, event)) candidates.push(this.candidate(fn, event, eventIndex, now));
      }
    });
    return this.stage(events, candidates, now);
  }

  /** Starts one run of `fn` (a cron fire), deduplicated by `dedupKey` across processes. */
  async sendTo(fn: RegisteredFunction, payload: EventPayload, dedupKey: string): Promise<void> {
    const now = this.deps.clock.now();
    const event = this.toStored(payload, now);
    const candidate = this.candidate(fn, event, 0, now);
    candidate.dedup = { functionId: fn.id, key: dedupKey, expiresAt: now + DEDUP_WINDOW_MS };
    await this.accept({ ...this.stage([event], [candidate], now), offer: this.#offer });
  }

  /** Applies `deferral` to a pending debounce or batch of `fn` without a new event (its timer fired). */
  async flush(fn: RegisteredFunction, deferral: Deferral): Promise<void> {
    const now = this.deps.clock.now();
    await this.accept({ now, events: [], runs: [], flow: [this.pendingUpdate(fn, deferral, -1, now)] });
  }

  /** The store update for a deferral; a release creates the run `releasedRun` builds, in the same transaction. */
  private pendingUpdate(
    fn: RegisteredFunction,
    { kind, key, apply, admission }: Deferral,
    eventIndex: number,
    now: number,
  ): FlowPendingUpdate {
    const update: FlowPendingUpdate = {
      functionId: fn.id,
      kind,
      key,
      apply,
      buildRun: (events, released) => {
        const run = this.releasedRun(fn, events, now);
        if (run && released) run.run.waitReason = deferralReason(kind, key, released.firstAt, now);
        return run;
      },
    };
    if (eventIndex >= 0) update.eventIndex = eventIndex;
    if (admission) update.admission = admission;
    return update;
  }

  /**
   * The run of `fn` for stored events a debounce or batch released (the first is `event`); the stages see
   * it with `released: true`. Not deduplicated by event id: the entry's deletion makes it exactly once.
   */
  private releasedRun(fn: RegisteredFunction, events: StoredEvent[], now: number): NewRun | undefined {
    const first = events[0];
    if (!first) return undefined;
    const candidate = this.candidate(fn, first, -1, now);
    candidate.run.eventIds = events.map((event) => event.id);
    candidate.run.events = events.map(toHandlerEvent);
    candidate.released = true;
    const entry = this.stage([], [candidate], now).runs[0];
    return entry && (entry.admission ? { run: entry.run, admission: entry.admission } : { run: entry.run });
  }

  /** Runs the stages on each candidate: the store input for the events and the runs that passed. */
  private stage(events: StoredEvent[], candidates: RunCandidate[], now: number): AcceptEventsInput {
    const runs: Array<RunCandidate> = [];
    const flow: FlowPendingUpdate[] = [];
    for (const candidate of candidates) {
      let current: RunCandidate | undefined = candidate;
      for (const stage of this.deps.stages) {
        current = stage(current, now);
        if (!current) break;
      }
      if (current?.defer) flow.push(this.pendingUpdate(current.fn, current.defer, current.eventIndex, now));
      else if (current) runs.push(current);
    }
    return {
      now,
      events,
      runs: runs.map((entry) => ({
        run: entry.run,
        ...(entry.eventIndex >= 0 ? { eventIndex: entry.eventIndex } : {}),
        ...(entry.dedup ? { dedup: entry.dedup } : {}),
        ...(entry.admission ? { admission: entry.admission } : {}),
      })),
      ...(flow.length > 0 ? { flow } : {}),
    };
  }

  /** Stores `input` and commits it; if the store throws, flow control forgets its runs (`abandon`) first. */
  private async accept(input: AcceptEventsInput): Promise<{ ids: string[] }> {
    let stored: AcceptEventsResult;
    try {
      stored = await this.deps.store.acceptEvents(input);
    } catch (error) {
      this.abandon(input);
      throw error;
    }
    return this.commit(input, stored);
  }

  /**
   * Step 5 after a store transaction wrote `input` (with result `stored`): queue the runs created, give
   * flow control back the ones deduplicated, tell flow control of the events, then queue the runs whose
   * wait an event resolved.
   */
  async commit(input: AcceptEventsInput, stored: AcceptEventsResult): Promise<{ ids: string[] }> {
    const later = stored.runs.slice(SEND_SLICE);
    for (const run of later) this.#committing.add(run.id);
    for (let start = 0; start < stored.runs.length; start += SEND_SLICE) {
      if (start > 0) await nextTurn();
      const slice = stored.runs.slice(start, start + SEND_SLICE);
      for (const run of slice) this.#committing.delete(run.id);
      this.deps.onRunsCreated(slice);
    }
    if (stored.flow && stored.flow.length > 0) this.deps.onFlowPending?.(stored.flow);
    if (stored.replaced && stored.replaced.length > 0) this.deps.onRunsReplaced?.(stored.replaced);
    // Runs the store created beyond `input.runs` (released, or a refused deferral's) hide a dropped one
    // from a count: compare ids.
    const created = new Set(stored.runs.map((run) => run.id));
    const dropped = input.runs.filter((entry) => !created.has(entry.run.id));
    if (dropped.length > 0) this.deps.onRunsDropped?.(dropped.map((entry) => entry.run.id));
    // A deferral whose run the store did not create (skipped) was applied.
    const applied = deferralRunIds(input).filter((runId) => !created.has(runId));
    if (applied.length > 0) this.deps.onDeferralsApplied?.(applied);
    for (let start = 0; start < stored.events.length; start += SEND_SLICE) {
      if (start > 0) await nextTurn();
      this.deps.onEventsStored?.(stored.events.slice(start, start + SEND_SLICE));
    }
    for (const runId of stored.woken ?? []) await this.deps.onWaitResolved(runId);
    return { ids: stored.events.map((event) => event.id) };
  }

  /** The store wrote nothing of `input`: flow control forgets its runs and its deferrals' counts. */
  abandon(input: AcceptEventsInput): void {
    const dropped = [...input.runs.map((entry) => entry.run.id), ...deferralRunIds(input)];
    if (dropped.length > 0) this.deps.onRunsDropped?.(dropped);
  }

  private toStored(payload: EventPayload, now: number): StoredEvent {
    const event: StoredEvent = {
      id: this.deps.newId(),
      name: payload.name,
      data: payload.data ?? {},
      ts: payload.ts ?? now,
      receivedAt: now,
      seq: 0,
    };
    if (payload.v !== undefined) event.v = payload.v;
    if (payload.id !== undefined) event.userId = payload.id;
    return event;
  }

  private candidate(
    fn: RegisteredFunction,
    event: StoredEvent,
    eventIndex: number,
    now: number,
  ): RunCandidate {
    const run: RunRecord = {
      id: this.deps.newId(),
      functionId: fn.id,
      status: "queued",
      eventIds: [event.id],
      events: [toHandlerEvent(event)],
      attempt: 0,
      createdAt: now,
      readyAt: now,
      eventSeq: 0,
      backlogKey: backlogKey(fn.id),
    };
    return { fn, event, eventIndex, run };
  }
}

/** The run ids of `input`'s deferrals that carry an admission (`DeferralAdmission.refused`). */
function deferralRunIds(input: AcceptEventsInput): string[] {
  return (input.flow ?? []).flatMap((update) => (update.admission ? [update.admission.refused.run.id] : []));
}

function triggers(fn: RegisteredFunction, event: StoredEvent): boolean {
  return fn.triggers.some(
    (trigger) =>
      trigger.kind === "event" &&
      trigger.event === event.name &&
      (!trigger.condition || matches(trigger.condition, { event: toHandlerEvent(event) })),
  );
}

function waitMatches(wait: WaitRow, candidate: ReturnType<typeof toHandlerEvent>): boolean {
  if (wait.expression === undefined) return true;
  const compiled: CompiledExpression = compileExpression(wait.expression, "waitForEvent.if");
  return matches(compiled, { event: wait.triggerEvent, async: candidate });
}

/**
 * Why a run a debounce or batch released waited before it was created: `debounce "user_7": deferred from
 * <ISO time> until <ISO time>` or `batch "user_7": collected from <ISO time> until <ISO time>` (the key
 * is left out for an unkeyed debounce or batch). `from` is when the entry opened, `until` the release, ms.
 */
function deferralReason(kind: FlowPendingKind, key: string, from: number, until: number): string {
  const keyed = key === "" ? "" : ` "${key}"`;
  const verb = kind === "debounce" ? "deferred" : "collected";
  return `${kind}${keyed}: ${verb} from ${new Date(from).toISOString()} until ${new Date(until).toISOString()}`;
}
