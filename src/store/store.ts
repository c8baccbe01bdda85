/**
 * The Store contract: everything the engine keeps durably. Type-only.
 *
 * Written for a store shared by several worker processes (PostgreSQL) as much as for the embedded ones
 * (SQLite, memory): every state change the engine depends on is one atomic method here, work is claimed under
 * a lease with an expiry (`claimRun`), and whatever the engine keeps in memory (ready queue, timers) is only a
 * cache rebuilt from `listBacklogs`, `listBacklogRuns` and `listDueRuns`. Times are ms since the epoch of the engine's clock. Values the
 * handler sees (step outputs, run outputs) are stored as the engine serializer's text (`*Text` fields).
 *
 * @module
 */
import type { SerializedError } from "../errors/index.js";
import type { StoredFlowKeys } from "../flow/run-keys.js";
import type { RunAdmission } from "../flow/store-admission.js";
import type { FlowPending, FlowPendingCursor, FlowPendingUpdate } from "./flow-pending.js";
import type { WaitMatchKey } from "./wait-match.js";

export type * from "./admission-record.js";
export type * from "./flow-pending.js";
export type * from "./limit-override.js";
export type { RetentionInput, RetentionResult } from "./retention.js";
export type * from "./usage-record.js";

import type { AdmissionRecord, AdmissionsQuery } from "./admission-record.js";
import type { LimitOverride } from "./limit-override.js";
import type { RetentionInput, RetentionResult } from "./retention.js";
import type { RunStatus } from "./run-statuses.js";
import type { UsageQuery, UsageRecord, UsageTotal } from "./usage-record.js";

export type { RunStatus } from "./run-statuses.js";

/** The step tool that produced a step record. */
export type StepOp = "run" | "sleep" | "waitForEvent" | "invoke" | "sendEvent";

/**
 * `completed`/`failed` are final (memoized). `running`: a step.run attempt started and has not recorded its
 * outcome (`attempts` counts it); found by a later claim, it is an attempt its process died in.
 * `retrying`: failed an attempt, next one at `wakeAt`. `sleeping`: a sleep until `wakeAt`. `waiting`: a
 * waitForEvent or invoke, which times out at `wakeAt`.
 */
export type StepStatus = "completed" | "failed" | "running" | "retrying" | "sleeping" | "waiting";

/**
 * Who writes a run's state: the lease holder `owner`, at `now` (ms). A write under a fence succeeds only if
 * `owner` holds a live lease on the run (`leaseExpiresAt > now`) and the run is not terminal; otherwise it
 * writes nothing and reports it, so a process that lost its lease can never overwrite the run's state.
 */
export interface LeaseFence {
  owner: string;
  now: number;
}

/** Options of `Store.saveStep`. */
export interface SaveStepOptions {
  /**
   * `false`: the caller may resume once the row is committed, before it is on disk (a store that syncs
   * its commits apart, SQLite with `synchronous: "full"`, answers at the COMMIT; the others as usual). Only
   * for a row whose loss in a power loss is the same as never having written it, and that the run's next
   * durable write covers: the settle number the engine writes on a row someone else settled.
   *
   * @default true
   */
  durable?: boolean;
}

/** An event as stored: `id` is Fairway's ULID; `userId` the sender's own `id` (dedup key), if any. */
export interface StoredEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
  /** Event time (ms): the sender's `ts`, or the receive time. */
  ts: number;
  v?: string;
  userId?: string;
  receivedAt: number;
  /** Position in the store's total order of events, assigned by `acceptEvents`. */
  seq: number;
}

/** Who a child run reports to: the invoking run and the step id (storage key) of its `step.invoke`. */
export interface ParentRef {
  runId: string;
  stepId: string;
}

/** A run as stored. */
export interface RunRecord {
  id: string;
  functionId: string;
  status: RunStatus;
  /** Ids (ULIDs) of the events that started the run; the first is `event`. */
  eventIds: string[];
  /** The handler's `events`, as delivered (the event `id` is the sender's id when given). */
  events: Array<{ name: string; data: Record<string, unknown>; id: string; ts: number; v?: string }>;
  outputText?: string;
  error?: SerializedError;
  /** 0-based attempt of the current unit of work (the failing step, or the handler as a whole). */
  attempt: number;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  /** When the run may be claimed next; `undefined` once terminal. */
  readyAt?: number;
  leaseOwner?: string;
  leaseExpiresAt?: number;
  /** Events with a larger `seq` were received after the run was scheduled (what waitForEvent may match). */
  eventSeq: number;
  /** Backlog the run waits in: function id × concurrency-key value (see engine `backlogKey`). */
  backlogKey: string;
  /**
   * Order within the backlog (lower first), ms: `createdAt − priority × 1000`, set when flow control admits
   * the run. Absent means `createdAt`.
   */
  queueScore?: number;
  /**
   * The value of each concurrency limit's key for this run, in the function's config order (`""` for a limit
   * without key), evaluated once when flow control admits the run (null-key rule applied). Absent when the
   * function had no concurrency limit then. With the function's config, it gives the run's slot scopes.
   */
  concurrencyKeys?: string[];
  /**
   * The run's other flow-control key values (throttle, rate limit, idempotency, singleton) and its priority,
   * evaluated once at admission with `concurrencyKeys` (see `StoredFlowKeys`). Flow control reads a run's
   * keys from these two fields whenever it reads the run back. Absent on runs stored before the field
   * existed (SQLite migration 13, PostgreSQL migration 7): their keys are evaluated from their event then.
   */
  flowKeys?: StoredFlowKeys;
  /**
   * Flow-control fallbacks recorded when the run was scheduled, each naming the field: a key expression
   * that failed or yielded null (the run used the shared `__null__` key), a priority clamped or not a number.
   */
  warnings?: string[];
  /**
   * W3C `traceparent` of the run's OpenTelemetry span, written when the run is created (with a tracer
   * provider registered): every execution, on any worker, continues this trace.
   */
  traceParent?: string;
  /**
   * Why the run waited before its first execution: the limit or priority that held it in the queue (set by
   * `setWaitReason`), or the debounce or batch that deferred its creation (set when the run is created).
   */
  waitReason?: string;
  skipReason?: string;
  cancelReason?: string;
  parent?: ParentRef;
}

/** One step of a run: what the timeline shows and what replay returns. */
export interface StepRow {
  runId: string;
  /** Storage key, unique per run: the user id, escaped, plus `:n` for its n-th repeat (see engine step-ids). */
  id: string;
  /** The id as the handler wrote it, with the `:n` suffix for repeats. */
  name: string;
  op: StepOp;
  status: StepStatus;
  /** Order in which the handler called the step (0-based); used to detect non-determinism. */
  position: number;
  inputText?: string;
  outputText?: string;
  error?: SerializedError;
  /** Attempts made so far (step.run); 0 for other ops. */
  attempts: number;
  startedAt: number;
  endedAt?: number;
  /** Wake-up (sleeping), next attempt (retrying) or timeout (waiting), ms. */
  wakeAt?: number;
  /** For a completed waitForEvent: the id of the event it consumed (one event per run at most once). */
  eventId?: string;
  /**
   * Order in which the handler got this step's result (completed or failed), per run, from 0: a replay
   * hands results back in this order (`src/engine/settle-order.ts`). Absent until the handler got it.
   */
  settledSeq?: number;
}

/** A registered waitForEvent, matched against each newly received event named `eventName`. */
export interface WaitRow {
  id: string;
  runId: string;
  stepId: string;
  eventName: string;
  /** CEL over `event` (the run's trigger event, `triggerEvent`) and `async` (the candidate); none = any. */
  expression?: string;
  triggerEvent: RunRecord["events"][number];
  expiresAt: number;
  /** The run's `eventSeq`: only events after it match. */
  afterSeq: number;
  /**
   * For `match` waits on a scalar: the field and the trigger's value there (`src/store/wait-match.ts`).
   * `listWaits` skips the wait for a candidate whose value differs; `expression` is still checked.
   */
  match?: WaitMatchKey;
}

/** Runs to create for accepted events; `dedup` makes a run conditional on a per-function key. */
export interface NewRun {
  run: RunRecord;
  /** Skip creating the run if `key` was recorded for `functionId` and has not expired (`expiresAt`, ms). */
  dedup?: { functionId: string; key: string; expiresAt: number };
  /**
   * Rate limit, idempotency and singleton, decided again by a store several processes share
   * (`Store.shared`) when it creates the run, after `dedup`: a run that does not fit is stored
   * `skipped` with the reason (see `RunAdmission`). A store only one process writes does not decide it (the
   * engine did), but every store records the windows' admissions of the run it creates (`listAdmissions`).
   */
  admission?: RunAdmission;
}

export interface AcceptEventsInput {
  now: number;
  /** Events without `seq`; the store assigns it. */
  events: Array<Omit<StoredEvent, "seq">>;
  /**
   * Index into `events` of the event each run's `eventSeq` comes from; without it (a rerun) `eventSeq` is the
   * latest stored event's `seq`.
   */
  runs: Array<NewRun & { eventIndex?: number }>;
  /** Debounce and batch changes, applied in order after `events` are stored (see `FlowPendingUpdate`). */
  flow?: FlowPendingUpdate[];
  /**
   * Offers each stored event to the pending waits for its name, in the same transaction (see `WaitOffer`):
   * an accepted event and the waits it resolves are written together, or neither is.
   */
  offer?: WaitOffer;
}

/**
 * How `acceptEvents` offers its events to pending waits inside its transaction (the engine's rules: the
 * wait's CEL `if`, its timeout, the run's event position). For each stored event, in order, the store lists
 * the waits for its name whose match key equals `candidate(event)`'s (as `listWaits`), asks `resolves`, and
 * resolves each wait it takes exactly as `resolveStep` with the event and the wait would (only a `waiting`
 * step, one event per run at most once), so an event and a timeout never both win and a wait takes one event.
 */
export interface WaitOffer {
  /**
   * The event as waits see it (the handler event): what their match keys are read from. Stores build it
   * only for an event some wait may take, once per event.
   */
  candidate(event: StoredEvent): unknown;
  /**
   * The serialized output of `wait`'s step if `event` (seen as `candidate`, from {@link candidate}) resolves
   * it, else `undefined`. Called inside the store's transaction: it must not throw and must not call the store.
   */
  resolves(wait: WaitRow, event: StoredEvent, candidate: unknown): string | undefined;
}

export interface AcceptEventsResult {
  events: StoredEvent[];
  /** The runs created (not the deduplicated ones, but those `flow` released), with `eventSeq` set. */
  runs: RunRecord[];
  /** The debounce and batch entries `flow` left written (to arm a timer at each `dueAt`). */
  flow?: FlowPending[];
  /** With `offer`: the runs whose wait one of the events resolved (each once, in the order resolved). */
  woken?: string[];
  /**
   * Active runs whose singleton key (mode `cancel`) a run created here took over (`NewRun.admission`): the
   * caller cancels each (`by` is the new holder). Only a store that decides admission reports them.
   */
  replaced?: Array<{ runId: string; by: string }>;
}

/** A run claimed by one worker, with its steps: all an execution needs, read once. */
export interface ClaimedRun {
  run: RunRecord;
  steps: StepRow[];
}

/**
 * One concurrency slot a claim must take (`claimRun`'s `slots`): the slot scope (flow control's claim id,
 * e.g. `fn:<fn>:<expr>=<value>`) and the most runs of that scope this run's function allows at once.
 */
export interface SlotRequest {
  scope: string;
  /** Integer ≥ 1 (the effective limit, overrides applied). */
  limit: number;
}

/**
 * The throttle a first start must conform to (`claimRun`'s `throttle`): GCRA (`src/flow/gcra.ts`) on the
 * starts of `scope` (flow's throttle id, `<fn>` or `<fn>:<value>`), with the effective parameters.
 */
export interface ThrottleRequest {
  scope: string;
  /** Starts per `periodMs`, integer ≥ 1. */
  limit: number;
  periodMs: number;
  /** Extra starts allowed at once from idle, integer ≥ 0. */
  burst: number;
}

/**
 * A claim refused: the slots of `scope` are all held by live leases (of other processes), or, with
 * `retryAt`, the throttle `scope` admits this start only at `retryAt` (ms).
 */
export interface ClaimRefused {
  refused: true;
  /** The first full scope, in sorted order, or the throttle's scope. */
  scope: string;
  /** Set when the throttle refused: the earliest time the start conforms. */
  retryAt?: number;
}

/** The atomic hand-back of a run that stops executing without finishing. */
export interface SuspendInput {
  runId: string;
  owner: string;
  status: "queued" | "running" | "sleeping" | "waiting";
  readyAt: number;
  attempt: number;
  /** Pending step rows to write (sleeping, retrying, waiting). */
  steps: StepRow[];
  waits: WaitRow[];
  /** Child runs to create atomically (step.invoke). */
  children: AcceptEventsInput;
  /** If any of these steps is already final when the suspension is written, `readyAt` becomes `now`. */
  awaiting: string[];
  now: number;
}

/** What `suspendRun` wrote: the run's `readyAt` and the child runs it created. */
export interface SuspendResult {
  readyAt: number;
  children: RunRecord[];
  /** Active runs whose singleton key a child took over (see `AcceptEventsResult.replaced`). */
  replaced?: Array<{ runId: string; by: string }>;
}

export interface FinishInput {
  runId: string;
  /** Only the lease holder may finish; `undefined` for runs finished without executing (cancel, skip). */
  owner?: string;
  status: "completed" | "failed";
  outputText?: string;
  error?: SerializedError;
  endedAt: number;
  /**
   * Events the run's end sends, with the runs they start (the `fairway/function.failed` event and its
   * `onFailure` run): stored like `acceptEvents` in the same transaction as the end, and only if the run is
   * ended, so a process that dies right after `finishRun` never loses them.
   */
  send?: AcceptEventsInput;
}

/** What `finishRun` returns: the ended run and, when `send` was given, what it stored (as `acceptEvents`). */
export type FinishedRun = RunRecord & { sent?: AcceptEventsResult };

/** Resolution of a pending (`waiting`) step from outside the run: an event, a child run's end, a timeout. */
export interface ResolveStepInput {
  runId: string;
  stepId: string;
  status: "completed" | "failed";
  outputText?: string;
  error?: SerializedError;
  /** The event a waitForEvent consumed. */
  eventId?: string;
  /** The wait row to delete along with it (waitForEvent). */
  waitId?: string;
  now: number;
  /**
   * Set when the run's own execution resolves the step (its timeout): nothing is written unless `owner`
   * holds the run's live lease at `now`. Resolutions from outside the run (an event, a child's end) have none.
   */
  owner?: string;
}

/** What `registerWait` did: `held: false` when the fence failed (nothing written); else the matched event. */
export type RegisterWaitResult = { held: false } | { held: true; event?: StoredEvent };

export interface RegisterWaitInput {
  /** The registering execution's lease: nothing is written unless it holds the run. */
  lease: LeaseFence;
  wait: WaitRow;
  /** The pending step row written when nothing matches yet. */
  pending: StepRow;
  /** Decides whether a stored event matches (evaluated inside the store's transaction). */
  matches(event: StoredEvent): boolean;
  /** The completed row written when an already-received event matches. */
  completed(event: StoredEvent): StepRow;
}

/** A backlog with runs waiting for their first start (see `Store.listBacklogs`). */
export interface StoredBacklog {
  backlogKey: string;
  /** Backlogged runs in it. */
  runs: number;
}

/**
 * Work another process committed, as `Store.subscribe` reports it: a hint to read the store now rather than at
 * the next sweep. `backlogs`: backlogged runs were created in these backlogs (`backlogKeys`), or in any
 * (`backlogKeys` absent: read them all with `listBacklogs`). `due`: a wake-up (a resolved wait, a sleep or retry,
 * a delayed start) became claimable at `at` (ms on the writers' clock; 0: at any time, read now).
 */
export type StoreWork = { kind: "backlogs"; backlogKeys?: string[] } | { kind: "due"; at: number };

/** Where a `listBacklogRuns` page ends: the last run's `queueScore` and id (pages go in that order). */
export interface BacklogCursor {
  score: number;
  id: string;
}

/** Where a `listStartedRuns` page ends: the last run's `startedAt` and id. */
export interface StartedCursor {
  startedAt: number;
  id: string;
}

/** A page of `Store.listStartedRuns`. */
export interface StartedRunsQuery {
  functionId: string;
  /** First start at or after this time, ms. */
  since: number;
  limit: number;
  after?: StartedCursor;
}

/** Where a `listDueRuns` page ends: the last run's `readyAt` and id (pages go in that order). */
export interface DueCursor {
  readyAt: number;
  id: string;
}

export interface RunFilter {
  functionId?: string;
  status?: RunStatus;
  concurrencyKey?: string;
  /** createdAt >= since (ms). */
  since?: number;
  /** createdAt < until (ms). */
  until?: number;
  /** startedAt >= startedSince (ms): runs that first started then or later. */
  startedSince?: number;
  /** Default 50, max 1000. */
  limit?: number;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string;
}

/** Durable state of a Fairway app. Every method is atomic. */
export interface Store {
  /** `"memory"`, `"sqlite"`, … for diagnostics; what the engine does depends on {@link Store.shared}, never on this. */
  readonly kind: string;
  /**
   * True when other processes may write the same data (PostgreSQL: any number of workers share a database
   * and schema); false when this process is its only writer (memory; SQLite, one engine process per file).
   * On a shared store the client re-reads what others may change: run ends it waits for, limit overrides
   * (every 2 s by default), backlogs another worker filled (every sweep, and at once on `subscribe`'s
   * notices); the store decides concurrency slots and the throttle in `claimRun` and rate limit,
   * idempotency and singleton when it creates a run (`NewRun.admission`), and the engine leaves the
   * singleton decision to it. On an unshared one memory is exact and none of that happens.
   */
  readonly shared: boolean;
  /**
   * Where the data lives, for banners and logs, never with credentials: the SQLite file's absolute path,
   * the PostgreSQL URL without password or query (and the schema), or a phrase for memory.
   */
  readonly location: string;
  /** Creates or migrates the schema. Idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;
  /**
   * Whether the store answers now, for readiness checks (`GET /api/health`): resolves when it does, rejects
   * with the failure (a StoreError naming its cause, never a credential) when it does not. One cheap round
   * trip, tried once (no retry, no backoff): PostgreSQL sends `SELECT 1` on a pooled connection (waiting at
   * most `connectTimeoutMs` for a new one); memory and SQLite live in this process and resolve at once.
   * Needs no `init()`.
   */
  ping(): Promise<void>;

  /**
   * Stores events and creates the runs they start, in one transaction; dedup keys are checked and set here;
   * with `offer`, the events resolve the pending waits they match in the same transaction (`woken`).
   */
  acceptEvents(input: AcceptEventsInput): Promise<AcceptEventsResult>;
  getEvent(id: string): Promise<StoredEvent | undefined>;

  /**
   * Leases a run to `owner` until `now + leaseMs` if it is due (`readyAt <= now`), not terminal, and not
   * leased by another owner's live lease (`leaseExpiresAt > now`; `owner` may take its own lease again, after
   * it abandoned an execution). Marks it `running` (and sets `startedAt` once). A store may answer before
   * the claim is durable (SQLite with `synchronous: "full"` answers at the COMMIT): a claim lost in a power
   * loss is a claim never made, and the execution's durable writes commit after it.
   */
  claimRun(runId: string, owner: string, now: number, leaseMs: number): Promise<ClaimedRun | undefined>;
  /**
   * The claim with admission: as above, but only if every scope of `slots` has fewer live holders than its
   * `limit` (a holder is a run that took a slot of the scope with its claim and still holds a live lease on
   * a non-terminal run: suspending, ending or losing the lease frees the slot in the same transaction, and an
   * expired lease frees it by itself). Otherwise nothing is written and the first full scope comes back.
   * With `throttle`, a run that has never started is claimed only if its start conforms to the throttle's
   * GCRA state, which the claim then advances; otherwise nothing is written and the time it would conform
   * comes back (`retryAt`). A resume is never throttled.
   * A store that only one process writes (`shared` false: memory, SQLite) ignores `slots` and `throttle`:
   * the engine's in-memory decision is exact there. A shared one (PostgreSQL) decides them in the claim's
   * transaction. `substitute` (default false; only for a first start without a throttle): when another
   * process took `runId`, a shared store may claim in its place the next backlogged run of the same backlog
   * (same function, keys and limits, so the same admission), which `claimed.run.id` names; the stores one
   * process writes never do.
   */
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
   * Extends `owner`'s live leases on `runIds` to `until` (ms). Returns the ids it did not extend: runs that
   * `owner` no longer holds at `now` (lease expired, taken by another owner, or the run ended or was
   * cancelled); their executions must stop.
   */
  renewLeases(owner: string, runIds: string[], until: number, now: number): Promise<string[]>;
  /** Drops `owner`'s leases (process shutting down or found dead): the runs become claimable again. */
  releaseLeases(owner: string): Promise<void>;
  /**
   * The checkpoint: inserts or replaces one step row of a run `lease.owner` holds. False (nothing written)
   * when the fence fails (see `LeaseFence`). Resolves once the row is durable, unless `options.durable` is
   * false (see `SaveStepOptions`).
   */
  saveStep(step: StepRow, lease: LeaseFence, options?: SaveStepOptions): Promise<boolean>;
  /**
   * Hands back a run that stops without finishing. Returns the `readyAt` written (`now` if an awaited step
   * was resolved meanwhile) and the `children` created (as `acceptEvents` returns runs: with their stored
   * `eventSeq`), or `undefined` if `owner` no longer holds the run (nothing written).
   */
  suspendRun(input: SuspendInput): Promise<SuspendResult | undefined>;
  /**
   * Ends a run; deletes its waits; if it was invoked (`parent`), resolves the parent's invoke step with its
   * outcome (`invokeOutcome`) and makes the parent due, and stores `send`, in the same transaction. Returns
   * the run (with `sent` when `send` was given), or `undefined` (nothing written) if it was already terminal
   * or `owner` does not hold it.
   */
  finishRun(input: FinishInput): Promise<FinishedRun | undefined>;
  /**
   * Cancels a non-terminal run and deletes its waits; settles an invoking parent like `finishRun`. Returns
   * it, or `undefined` if already terminal.
   */
  cancelRun(runId: string, reason: string | undefined, now: number): Promise<RunRecord | undefined>;
  /**
   * Finalizes a `waiting` step (status, output or error, end time) and makes the run due now. False (nothing
   * written) if the step is no longer waiting, if its `eventId` was already consumed by this run, or if
   * `owner` is given and does not hold the run's live lease.
   */
  resolveStep(input: ResolveStepInput): Promise<boolean>;
  /**
   * Registers a waitForEvent: matches already-received events after `wait.afterSeq` (oldest first, skipping
   * events this run consumed) and writes `completed(event)` for the first match; else writes `pending` and
   * the wait row. Returns the matched event, if any. Also used again when the wait times out (a last look
   * for an event stored but not yet offered to the wait, e.g. by a process that died in between): a step
   * row that exists is never overwritten by `pending`, and `completed` only replaces a `waiting` row.
   * Fenced by `input.lease`: `{ held: false }` and nothing written when the lease is not held.
   */
  registerWait(input: RegisterWaitInput): Promise<RegisterWaitResult>;
  /**
   * Pending waits for an event name (to match a new event against). With `candidate` (the handler event),
   * waits whose `match` key differs from the candidate's value at that field are left out (an index lookup).
   */
  listWaits(eventName: string, candidate?: unknown): Promise<WaitRow[]>;

  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(filter: RunFilter): Promise<{ runs: RunRecord[]; nextCursor?: string }>;
  getSteps(runId: string): Promise<StepRow[]>;
  /**
   * Every backlog that has runs waiting for their first start, with how many: what the engine's scheduler
   * keeps a head and a count of (it reads each backlog's runs with {@link listBacklogRuns} as slots free up).
   * A _backlogged_ run is one never started whose `readyAt` is not after its `createdAt` (due when created:
   * not a delayed start); every other non-terminal run with a `readyAt` is a _wake-up_ ({@link listDueRuns}).
   * One grouped read of an index, ordered by backlog key.
   */
  listBacklogs(): Promise<StoredBacklog[]>;
  /**
   * One page of backlog `backlogKey`'s backlogged runs, in the order the scheduler serves them: by
   * `queueScore` (`createdAt` − priority), then id, starting after `after`; at most `limit` (≥ 1). An index
   * range scan on `(backlogKey, queueScore, id)`.
   */
  listBacklogRuns(backlogKey: string, limit: number, after?: BacklogCursor): Promise<RunRecord[]>;
  /**
   * One page of the runs of `query.functionId` that first started at or after `query.since` (ms), ordered by
   * `startedAt`, then id, after `query.after`; at most `query.limit` (≥ 1). An index range on `(functionId, startedAt, id)`: what the
   * engine rebuilds a throttle's GCRA state from at start-up, however many runs the function has.
   */
  listStartedRuns(query: StartedRunsQuery): Promise<RunRecord[]>;
  /**
   * One page of the wake-ups a worker may claim at `now` (runs that started before — sleeping, waiting,
   * retrying, leased — and delayed starts; never the backlogged runs of {@link listBacklogs}): not terminal,
   * `readyAt <= now`, lease free or expired (`leaseExpiresAt <= now`). Ordered by `readyAt`, then id,
   * starting after `after`; at most `limit` (≥ 1). An index range scan: the engine's periodic sweep reads the
   * wake-ups of the next minutes with it (due sleeps and retries, resolved waits, expired leases), so no run
   * waits for a restart and none beyond that horizon is kept in memory.
   */
  listDueRuns(now: number, limit: number, after?: DueCursor): Promise<RunRecord[]>;
  /**
   * One page of the rate-limit and idempotency admissions recorded after `query.since` (see
   * `AdmissionRecord`), ordered by `at`, then scope, then run id, starting after `query.after`; at most
   * `query.limit` (≥ 1). An index range scan: what the engine rebuilds its windows from at start-up.
   */
  listAdmissions(query: AdmissionsQuery): Promise<AdmissionRecord[]>;
  /** Every pending debounce and open batch (what the engine re-arms its timers from on start-up). */
  listFlowPending(): Promise<FlowPending[]>;
  /**
   * One page of the pending debounces and open batches due by `until` (`dueAt <= until`, ms), ordered by
   * `dueAt`, then function id, kind and key, starting after `after`; at most `limit` (≥ 1). An index range
   * scan on `(dueAt, functionId, kind, key)`: the engine's sweep reads the entries of the next minutes with
   * it on a store other processes write, so an entry whose writer died fires on a live worker (its release
   * stays exactly once: the fire deletes the entry in the transaction that creates the run).
   */
  listDueFlowPending(until: number, limit: number, after?: FlowPendingCursor): Promise<FlowPending[]>;

  /** Records why run `runId` waited before its first execution (see `RunRecord.waitReason`). */
  setWaitReason(runId: string, reason: string): Promise<void>;

  /** Inserts or replaces the limit override of `override.functionId` × `override.key`. */
  putLimitOverride(override: LimitOverride): Promise<void>;
  getLimitOverride(functionId: string, key: string): Promise<LimitOverride | undefined>;
  /** Deletes one override; false if there was none. */
  deleteLimitOverride(functionId: string, key: string): Promise<boolean>;
  /** Every override (of one function), ordered by function id, then key. */
  listLimitOverrides(functionId?: string): Promise<LimitOverride[]>;

  /** Inserts usage records, replacing any with the same `id` (a model call recorded twice counts once). */
  recordUsage(records: UsageRecord[]): Promise<void>;
  /** A run's usage records, oldest first. */
  listUsage(runId: string): Promise<UsageRecord[]>;
  /** Sums of the records matching `query`, one row per tenant key × model, ordered by tenant key, then model. */
  usageTotals(query: UsageQuery): Promise<UsageTotal[]>;

  /**
   * One retention pass: deletes the rows that no decision and no reader can need any more (old events
   * nothing reads, expired dedup keys, admissions older than every window; on a shared store also past
   * throttle times, ended singleton holders, slot rows of ended runs) and the history older than asked (runs
   * ended before `runsBefore` with their steps, unless a run they invoked or were invoked by is live; usage
   * records before `usageBefore`; the rules are in `src/store/retention.ts`),
   * in batches of at most `input.batchSize` rows, each its own short statement or transaction, so no lock
   * is held long and other writes go on between batches. Safe when several processes sweep one database at
   * once (a row is deleted by one of them; none fails). Returns the rows deleted, per kind.
   */
  sweepRetention(input: RetentionInput): Promise<RetentionResult>;

  /**
   * Optional, for a store that other processes write (PostgreSQL): calls `onWork` when another process
   * commits work this one may take ({@link StoreWork}), so idle workers start it at once instead of at
   * their next sweep. A hint only: notices may come late, twice or not at all (after a lost connection the
   * store reports `{ kind: "backlogs" }` and `{ kind: "due", at: 0 }` once it listens again); the claim
   * decides who runs what, and the sweep still finds everything. Resolves once listening; the function it
   * resolves with stops listening.
   */
  subscribe?(onWork: (work: StoreWork) => void): Promise<() => Promise<void>>;
}
