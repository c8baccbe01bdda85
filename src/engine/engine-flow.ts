/**
 * Wires flow control (`src/flow`) into the engine: the schedule-time stage (rate limit, idempotency,
 * debounce, batching, singleton, keys and priority), the fair ready queue (concurrency, throttle,
 * priority, round-robin across keys), and the run watch (cancelOn, timeouts, singleton release) fed
 * by stored events and lifecycle notifications.
 *
 * @module
 */
import { ConfigError } from "../errors/index.js";
import { compileCel } from "../flow/cel-compile.js";
import { DueTimers } from "../flow/due-timers.js";
import type { BacklogStats } from "../flow/fair-scheduler.js";
import { type Admission, type AdmissionSource, FlowController } from "../flow/flow-controller.js";
import { LimitOverrides } from "../flow/limit-overrides.js";
import { dueChange } from "../flow/pending-changes.js";
import { type RunFlowKeys, type StoredRunKeys, storedFlowKeys } from "../flow/run-keys.js";
import type { WatchedRun } from "../flow/run-watch.js";
import { singletonReplacedReason } from "../flow/store-admission.js";
import { PENDING_RUN_STATUSES } from "../store/run-statuses.js";
import type {
  AdmissionRecord,
  FlowPending,
  FlowPendingKind,
  NewRun,
  RunFilter,
  RunRecord,
  StartedCursor,
  Store,
  StoredEvent,
} from "../store/store.js";
import type { BacklogWindows } from "./backlog-windows.js";
import type { Clock } from "./clock.js";
import { FlowReadyQueue, type QueuedRun } from "./flow-ready-queue.js";
import { backlogFunction, backlogKey, backlogLabel } from "./ready-queue.js";
import type { RegisteredFunction } from "./registered-function.js";
import type { Deferral, ScheduleStage } from "./scheduler.js";
import { toHandlerEvent } from "./step-waits.js";
import type { Logger } from "./types.js";

export interface EngineFlowDeps {
  appId: string;
  ordering: "fair" | "fifo";
  clock: Clock;
  logger: Logger;
  /** Applies `deferral` to a pending debounce or batch whose timer fired (the store creates its run if due). */
  flush: (functionId: string, deferral: Deferral) => Promise<void>;
  cancel: (runId: string, reason: string) => Promise<void>;
  /** The windows of backlogged runs (reads from the store); the ready queue keeps its backlogs' counts there. */
  windows: BacklogWindows;
  /**
   * The store decides admission across processes (`Store.shared`): singleton is left to it, and
   * the runs it replaced come back through {@link EngineFlow.replaced}. @default false
   */
  storeDecides?: boolean;
}

/** One row of `fairway.flowState()`: a function × concurrency key with its queued, running and throttled runs. */
export type FlowStateEntry = BacklogStats;

export class EngineFlow {
  readonly controller: FlowController<QueuedRun>;
  readonly queue: FlowReadyQueue;
  /** Per-key limit overrides, looked up by the scheduler and the rate limit (filled by `fairway.limits`). */
  readonly limits = new LimitOverrides();
  /** One timer per stored debounce or batch entry, at its `dueAt`. */
  readonly #due: DueTimers;

  /** Throws ConfigError naming `ordering` when it is not "fair" or "fifo". */
  constructor(private readonly deps: EngineFlowDeps) {
    if (deps.ordering !== "fair" && deps.ordering !== "fifo") {
      throw new ConfigError("ordering", 'must be "fair" or "fifo"', deps.ordering);
    }
    this.controller = new FlowController<QueuedRun>({
      appId: deps.appId,
      ordering: deps.ordering,
      compile: compileCel,
      clock: deps.clock,
      limits: this.limits,
      storeDecides: deps.storeDecides ?? false,
      cancelRun: (runId, reason) => this.#cancel(runId, reason),
    });
    this.queue = new FlowReadyQueue(this.controller, deps.clock, deps.windows);
    this.#due = new DueTimers(deps.clock);
  }

  define(fn: RegisteredFunction): void {
    this.controller.define(fn.id, fn.config.flow);
  }

  /** The schedule-time stage: admits, skips (recorded with the reason) or defers each candidate run. */
  readonly stage: ScheduleStage = (candidate, now) => {
    const event = candidate.run.events[0];
    if (!event) return candidate;
    const source = candidate.released ? "released" : "event";
    const admission = this.controller.admit(candidate.fn.id, candidate.run.id, event, source);
    if (admission.kind === "deferred") {
      const kind: FlowPendingKind = admission.by === "debounce" ? "debounce" : "batch";
      const defer: Deferral = { kind, key: admission.key, apply: admission.apply };
      if (admission.store) {
        // What one process stores when a window refuses the event: its run, skipped (the store skips it).
        const run = this.#withKeys(candidate.run, admission.store.keys);
        const refused = candidate.dedup ? { run, dedup: candidate.dedup } : { run };
        defer.admission = { windows: admission.store.windows, refused };
      }
      return { ...candidate, defer };
    }
    const run = this.#apply(candidate.run, admission, now);
    return admission.kind === "run" && admission.store
      ? { ...candidate, run, admission: admission.store }
      : { ...candidate, run };
  };

  /**
   * Runs whose singleton key (mode `cancel`) a new run took over in a store that decides admission
   * (`AcceptEventsResult.replaced`): each is cancelled, as one process cancels the holder it replaces.
   */
  replaced(runs: ReadonlyArray<{ runId: string; by: string }>): void {
    for (const { runId, by } of runs) this.#cancel(runId, singletonReplacedReason(by));
  }

  #cancel(runId: string, reason: string): void {
    this.deps.cancel(runId, reason).catch((error: unknown) => {
      this.deps.logger.error("flow control could not cancel a run", { runId, reason, error });
    });
  }

  /**
   * How far back (ms) {@link restore} reads runs: the longest throttle lookback of the functions defined
   * (0 without any). Retention keeps ended runs at least this long. (The rate-limit and idempotency windows
   * are rebuilt from the stored admissions, which retention keeps for the longest window on its own.)
   */
  historyMs(): number {
    return Math.max(0, ...this.controller.throttledFunctions().map((entry) => entry.lookbackMs));
  }

  /**
   * Start-up: rebuilds the rate-limit and idempotency windows from the admissions stored within the longest
   * window (`Store.listAdmissions`: the runs created and the debounced events that joined a debounce, as
   * they were counted), and the throttles' GCRA state from the runs that started within
   * their lookback (whenever they were created), so a restart admits and starts no more than the limits
   * allow; watches every pending run of the functions watched from creation (singleton, cancelOn,
   * timeouts; `FlowController.watchPending`, no keys kept); then re-arms the timers of the stored
   * debounces and batches (overdue ones fire at once), so a run they release meets the singleton holders.
   * Reads `RESTORE_PAGE` admissions or runs per page.
   */
  async restore(store: Store, now: number): Promise<void> {
    const admissionLookback = this.controller.admissionLookback();
    if (admissionLookback > 0) {
      const since = now - admissionLookback;
      let after: AdmissionRecord | undefined;
      for (;;) {
        const query = { since, limit: RESTORE_PAGE };
        const admissions = await store.listAdmissions(after ? { ...query, after } : query);
        for (const { scope, at } of admissions) this.controller.restoreAdmission(scope, at);
        after = admissions.at(-1);
        if (admissions.length < RESTORE_PAGE) break;
      }
    }
    for (const { functionId, lookbackMs } of this.controller.throttledFunctions()) {
      const windowStart = now - lookbackMs;
      let after: StartedCursor | undefined;
      for (;;) {
        const query = { functionId, since: windowStart, limit: RESTORE_PAGE };
        const runs = await store.listStartedRuns(after ? { ...query, after } : query);
        for (const run of runs) {
          const event = run.events[0];
          if (event && run.startedAt !== undefined)
            this.controller.restoreThrottleStart(
              functionId,
              event,
              run.startedAt,
              windowStart,
              storedKeys(run),
            );
        }
        const last = runs.at(-1);
        if (runs.length < RESTORE_PAGE || last?.startedAt === undefined) break;
        after = { startedAt: last.startedAt, id: last.id };
      }
    }
    for (const functionId of this.controller.watchedFunctions()) {
      for (const status of PENDING_RUN_STATUSES) {
        for await (const page of runPages(store, { functionId, status })) {
          for (const run of page) this.controller.watchPending(watchedRun(run), storedKeys(run));
        }
      }
    }
    this.pendingWritten(await store.listFlowPending());
  }

  /**
   * Debounce and batch entries written (or found on start-up, or by a sweep of a store other processes
   * write): arm a timer at each `dueAt`. Returns how many were not armed at that time before (an entry
   * another process wrote or moved).
   */
  pendingWritten(entries: FlowPending[]): number {
    let armed = 0;
    for (const entry of entries) {
      const { functionId, kind, key } = entry;
      const fresh = this.#due.arm(`${functionId}\u0000${kind}\u0000${key}`, entry.dueAt, () => {
        const deferral = { kind, key, apply: dueChange(this.deps.clock.now()) };
        this.deps.flush(functionId, deferral).catch((error: unknown) => {
          this.deps.logger.error("flow control could not create a debounced or batched run", {
            functionId,
            key,
            error,
          });
        });
      });
      if (fresh) armed += 1;
    }
    return armed;
  }

  /**
   * A run created by `step.invoke`: admitted like an event's run (rate limit, idempotency, singleton skip
   * or cancel, keys and priority) except that batching and debounce do not apply (the parent waits for
   * this one run). Returns it with its backlog, concurrency keys and warnings, or as `skipped` with the
   * reason.
   */
  invoked(run: RunRecord): NewRun {
    return this.#admit(run, "invoked");
  }

  /**
   * A rerun: like a run a debounce released, only `singleton` applies (it is not rate-limited or
   * deduplicated again, but it is skipped, or replaces the active run, while the singleton key is held).
   * Its keys and warnings are recorded like an admitted run's.
   */
  rerun(run: RunRecord): NewRun {
    return this.#admit(run, "released");
  }

  /** The run as admitted, with what a store that decides admission checks again (`NewRun.admission`). */
  #admit(run: RunRecord, source: AdmissionSource): NewRun {
    const event = run.events[0];
    if (!event) return { run };
    const admission = this.controller.admit(run.functionId, run.id, event, source);
    if (admission.kind === "deferred") return { run };
    const admitted = this.#apply(run, admission, run.createdAt);
    return admission.kind === "run" && admission.store
      ? { run: admitted, admission: admission.store }
      : { run: admitted };
  }

  /** The run left memory (it waits in the store): forget its flow keys until it is read back (from the run). */
  forgetKeys(runId: string): void {
    this.controller.forgetKeys(runId);
  }

  /**
   * A run was stored or is read back from the store: its keys (those stored on the run; see
   * `FlowController.runCreated`), and its watch (cancelOn, timeouts, singleton).
   */
  runCreated(run: RunRecord): void {
    if (run.status !== "skipped") this.controller.runCreated(watchedRun(run), storedKeys(run));
  }

  /** Debounced events whose deferral the store applied (`Scheduler` `onDeferralsApplied`): their counts stay. */
  deferralsApplied(runIds: string[]): void {
    for (const runId of runIds) this.controller.deferralApplied(runId);
  }

  /** The run's handler started for the first time (its start deadline stops counting). */
  runStarted(runId: string): void {
    this.controller.runStarted(runId);
  }

  eventsStored(events: StoredEvent[]): void {
    for (const event of events) this.controller.eventReceived({ ...toHandlerEvent(event), seq: event.seq });
  }

  /**
   * The runs ended, were skipped, or were admitted and never stored: out of the ready queue (and their
   * backlog windows), and flow control forgets their keys, holds and deadlines.
   */
  runsDropped(runIds: string[]): void {
    for (const runId of runIds) {
      this.queue.remove(runId);
      this.controller.runEnded(runId);
    }
  }

  /** Limits changed (an override was set, deleted or reloaded): re-check parked and throttled backlogs. */
  limitsChanged(): void {
    this.controller.scheduler.limitsChanged();
  }

  /**
   * Per function and concurrency key: queued, running, throttled. Queued counts include the backlogged runs
   * only in the store (an estimate kept by the windows; exact again once a backlog is read to its end).
   */
  flowState(functionId?: string): FlowStateEntry[] {
    const rows = this.controller.flowState(functionId);
    const byBacklog = new Map(rows.map((row) => [backlogKey(row.functionId, row.key), row]));
    for (const [key, stored] of this.deps.windows.storedBacklogs()) {
      const fn = backlogFunction(key);
      if (functionId !== undefined && fn !== functionId) continue;
      const label = backlogLabel(key);
      const row = byBacklog.get(backlogKey(fn, label));
      if (!row) rows.push({ functionId: fn, key: label, queued: stored, running: 0, throttled: 0 });
      else {
        row.queued += stored;
        if (row.throttled > 0) row.throttled += stored;
      }
    }
    return rows;
  }

  stop(): void {
    this.controller.stop();
    this.queue.stop();
    this.deps.windows.stop();
    this.#due.stop();
  }

  #apply(run: RunRecord, admission: Exclude<Admission, { kind: "deferred" }>, now: number): RunRecord {
    const { keys } = admission;
    const out = this.#withKeys(run, keys);
    for (const warning of keys.warnings)
      this.deps.logger.warn(warning, { runId: run.id, functionId: run.functionId });
    if (admission.kind === "run") return out;
    out.status = "skipped";
    out.skipReason = admission.reason;
    out.endedAt = now;
    delete out.readyAt;
    return out;
  }

  /** `run` with its backlog, priority, keys and warnings as admitted (`keys`). */
  #withKeys(run: RunRecord, keys: RunFlowKeys): RunRecord {
    const out: RunRecord = { ...run, backlogKey: backlogKey(run.functionId, keys.key) };
    if (keys.priority !== 0) out.queueScore = run.createdAt - keys.priority * 1000;
    if (keys.concurrencyKeys.length > 0) out.concurrencyKeys = keys.concurrencyKeys;
    out.flowKeys = storedFlowKeys(keys);
    if (keys.warnings.length > 0) out.warnings = keys.warnings;
    return out;
  }
}

/** The flow keys stored on `run` (both parts; either may be absent). */
function storedKeys(run: RunRecord): StoredRunKeys {
  return { concurrencyKeys: run.concurrencyKeys, flowKeys: run.flowKeys };
}

/** What flow control watches of `run` (its trigger event, or an empty one for a run without events). */
function watchedRun(run: RunRecord): WatchedRun {
  const watched: WatchedRun = {
    id: run.id,
    functionId: run.functionId,
    event: run.events[0] ?? { name: "", data: {}, id: "", ts: 0 },
    eventSeq: run.eventSeq,
    createdAt: run.createdAt,
  };
  if (run.startedAt !== undefined) watched.startedAt = run.startedAt;
  return watched;
}

/** Runs read per page when state is rebuilt at start-up. */
const RESTORE_PAGE = 1000;

/** The runs matching `filter`, newest first, a page of `RESTORE_PAGE` at a time. */
async function* runPages(
  store: Store,
  filter: Omit<RunFilter, "limit" | "cursor">,
): AsyncGenerator<RunRecord[]> {
  let cursor: string | undefined;
  do {
    const page = await store.listRuns(
      cursor === undefined ? { ...filter, limit: RESTORE_PAGE } : { ...filter, limit: RESTORE_PAGE, cursor },
    );
    yield page.runs;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}
