/**
 * Flow control as the engine uses it: one object per Fairway instance that knows every function's
 * flow config and decides, per event, whether a run is created now, skipped (with a reason) or
 * deferred (debounce, batching); keeps the keys of each run for the scheduler; watches runs for
 * singleton, cancelOn and timeouts; and owns the {@link FairScheduler}.
 *
 * Order at schedule time (per function, per event): batching (collects; nothing else applies) →
 * keys and priority → rate limit → idempotency → debounce (defers) → singleton. A debounced or
 * batched run re-enters at singleton when it fires.
 *
 * @module
 */
import { joinsBatch } from "./batch.js";
import type { FlowConfig } from "./config/types.js";
import type { CompileExpression } from "./expression.js";
import { type BacklogStats, FairScheduler, type SchedulerOrdering } from "./fair-scheduler.js";
import { evaluateKey } from "./keys.js";
import type { LimitOverrides } from "./limit-overrides.js";
import { batchChange, debounceChange, type PendingApply } from "./pending-changes.js";
import type { QueueItem } from "./queue-item.js";
import { evaluateRunKeys, type RunFlowKeys, type StoredRunKeys } from "./run-keys.js";
import { RunWatch, type WatchedRun } from "./run-watch.js";
import {
  type AdmissionWindow,
  admissionScope,
  idempotencyReason,
  MAX_ADMISSION_WINDOW_MS,
  parseAdmissionScope,
  type RunAdmission,
  rateLimitReason,
  singletonReplacedReason,
  singletonSkipReason,
} from "./store-admission.js";
import type { FlowClock, FlowEvent } from "./timers.js";
import { WindowLimiter } from "./window-limiter.js";

/** 24 h: the idempotency window. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Where a candidate run comes from. `event`: a sent event (every control applies). `released`: a debounce
 * or batch that fired, or a rerun (only singleton applies). `invoked`: `step.invoke` (everything but
 * batching and debounce: the parent waits for this one run of this one event).
 */
export type AdmissionSource = "event" | "released" | "invoked";

/**
 * What the engine must do with a candidate run. `store`: what a store shared by several processes decides
 * again when it creates the run (absent when the function has no rate limit, idempotency or singleton).
 */
export type Admission =
  | { kind: "run"; keys: RunFlowKeys; store?: RunAdmission }
  | { kind: "skip"; keys: RunFlowKeys; reason: string }
  | {
      kind: "deferred";
      by: "debounce" | "batchEvents";
      /** The debounce or batch key value. */
      key: string;
      /** The change the store applies to that key's pending entry, with the stored event. */
      apply: PendingApply;
      /**
       * A debounced event's rate limit and idempotency (absent without them): counted here under the
       * candidate's run id, and decided again by a store that decides admission when it applies the change
       * (`FlowPendingUpdate.admission`), which stores the run skipped instead when a window is full. Report
       * the outcome: {@link FlowController.runEnded} when the run was stored skipped or the event was never
       * stored, {@link FlowController.deferralApplied} when the change was applied.
       */
      store?: { keys: RunFlowKeys; windows: AdmissionWindow[] };
    };

export interface FlowControllerOptions {
  /** The Fairway app id: the `env` concurrency scope. */
  appId: string;
  compile: CompileExpression;
  clock: FlowClock;
  /** Cancels a run (singleton cancel, cancelOn, timeouts). */
  cancelRun: (runId: string, reason: string) => void;
  /** Cross-backlog ordering. @default "fair" */
  ordering?: SchedulerOrdering;
  /** Per-key limit overrides (the scheduler and the rate limit look them up). @default none */
  limits?: LimitOverrides;
  /**
   * The store is shared by several processes and decides each run's {@link RunAdmission} when it creates it:
   * `singleton` is then left to it entirely (a hold here would miss other processes' runs, and their ends),
   * while the windows here stay a pre-filter (they know only this process's admissions, so a skip here is
   * one the store would make too). @default false
   */
  storeDecides?: boolean;
}

/** An admission counted in a function's windows for a run not yet created (taken back if it never is). */
interface Counted {
  functionId: string;
  rateLimitKey: string | undefined;
  idempotencyKey: string | undefined;
  at: number;
}

interface FunctionFlow {
  config: FlowConfig;
  rateLimit?: WindowLimiter;
  idempotency?: WindowLimiter;
}

/**
 * `T`: what the caller queues in the {@link FairScheduler} (a {@link QueueItem} from {@link queueItem}, or one
 * carrying the caller's own fields, e.g. the engine's ready item).
 */
export class FlowController<T extends QueueItem = QueueItem> {
  readonly scheduler: FairScheduler<T>;
  readonly #functions = new Map<string, FunctionFlow>();
  readonly #keys = new Map<string, RunFlowKeys>();
  /** Runs admitted (counted in the windows) and not yet reported created: see {@link runEnded}. */
  readonly #counted = new Map<string, Counted>();
  /** Runs stored (or recovered) before their function was defined, with their stored keys: registered when it is. */
  readonly #early = new Map<string, { run: WatchedRun; stored: StoredRunKeys | undefined }>();
  readonly #watch: RunWatch;

  constructor(private readonly options: FlowControllerOptions) {
    this.scheduler = new FairScheduler<T>({
      ordering: options.ordering ?? "fair",
      ...(options.limits ? { limits: options.limits } : {}),
    });
    this.#watch = new RunWatch(options.clock, options.compile, options.cancelRun);
  }

  /** Registers (or replaces) a function's normalised flow config. */
  define(functionId: string, config: FlowConfig): void {
    const flow: FunctionFlow = { config };
    if (config.rateLimit)
      flow.rateLimit = new WindowLimiter(config.rateLimit.limit, config.rateLimit.periodMs);
    if (config.idempotency) flow.idempotency = new WindowLimiter(1, IDEMPOTENCY_WINDOW_MS);
    this.#functions.set(functionId, flow);
    for (const { run, stored } of [...this.#early.values()].filter(
      (early) => early.run.functionId === functionId,
    )) {
      this.#early.delete(run.id);
      this.#keys.delete(run.id);
      this.runCreated(run, stored);
    }
  }

  /**
   * Decides what happens to the run `runId` that `event` would start; `source` says which controls
   * apply (see {@link AdmissionSource}). Records the run's keys.
   */
  admit(functionId: string, runId: string, event: FlowEvent, source: AdmissionSource = "event"): Admission {
    const flow = this.#functions.get(functionId);
    if (!flow)
      return { kind: "run", keys: this.#remember(runId, functionId, { config: emptyConfig }, event) };
    const { config } = flow;
    const now = this.options.clock.now();
    const limited = source !== "released";
    const batch = config.batchEvents;
    if (batch && source === "event" && joinsBatch(batch, this.options.compile, event)) {
      const key = this.#key(batch.key, event, "batchEvents.key");
      return { kind: "deferred", by: "batchEvents", key, apply: batchChange(batch, now) };
    }
    const keys = this.#remember(runId, functionId, flow, event);
    const rate = this.#rateLimitOf(functionId, flow, keys.rateLimitKey);
    if (limited && flow.rateLimit && !flow.rateLimit.check(keys.rateLimitKey!, now, rate).allowed) {
      return this.#skip(runId, keys, rateLimitReason(rate!.limit, rate!.periodMs, keys.rateLimitKey!));
    }
    if (limited && flow.idempotency && !flow.idempotency.check(keys.idempotencyKey!, now).allowed) {
      return this.#skip(runId, keys, idempotencyReason(keys.idempotencyKey!));
    }
    if (source === "event" && config.debounce) {
      this.#count(runId, functionId, flow, keys, now);
      this.#keys.delete(runId);
      const deferred: Extract<Admission, { kind: "deferred" }> = {
        kind: "deferred",
        by: "debounce",
        key: keys.debounceKey!,
        apply: debounceChange(config.debounce, now),
      };
      const windows = this.#windows(functionId, flow, keys, rate, limited);
      return windows.length > 0 ? { ...deferred, store: { keys, windows } } : deferred;
    }
    if (config.singleton && !this.options.storeDecides) {
      const holder = this.#watch.holder(functionId, keys.singletonKey!);
      if (holder !== undefined && config.singleton.mode === "skip") {
        return this.#skip(runId, keys, singletonSkipReason(holder, keys.singletonKey!));
      }
      if (holder !== undefined) this.options.cancelRun(holder, singletonReplacedReason(runId));
      this.#watch.hold(functionId, keys.singletonKey!, runId);
    }
    if (limited) this.#count(runId, functionId, flow, keys, now);
    const store = this.#storeAdmission(functionId, flow, keys, rate, limited);
    return store ? { kind: "run", keys, store } : { kind: "run", keys };
  }

  /**
   * A debounced event whose admission was counted here (`Admission` `deferred` with `store`) joined its
   * debounce: it keeps its place in the windows (it is no run's any more).
   */
  deferralApplied(runId: string): void {
    this.#counted.delete(runId);
  }

  /** What a shared store decides again for an admitted run (see {@link RunAdmission}); none without such controls. */
  #storeAdmission(
    functionId: string,
    flow: FunctionFlow,
    keys: RunFlowKeys,
    rate: { limit: number; periodMs: number } | undefined,
    limited: boolean,
  ): RunAdmission | undefined {
    const { singleton } = flow.config;
    const windows = this.#windows(functionId, flow, keys, rate, limited);
    if (!singleton) return windows.length > 0 ? { windows } : undefined;
    const key = keys.singletonKey!;
    return {
      windows,
      singleton: { scope: `singleton:${functionId}\u0000${key}`, key, mode: singleton.mode },
    };
  }

  /** The rate-limit and idempotency windows a shared store checks again for the run (none if not `limited`). */
  #windows(
    functionId: string,
    flow: FunctionFlow,
    keys: RunFlowKeys,
    rate: { limit: number; periodMs: number } | undefined,
    limited: boolean,
  ): AdmissionWindow[] {
    const windows: AdmissionWindow[] = [];
    if (limited && rate && flow.rateLimit) {
      const key = keys.rateLimitKey!;
      windows.push({
        scope: admissionScope("rateLimit", functionId, key),
        limit: rate.limit,
        periodMs: rate.periodMs,
        reason: rateLimitReason(rate.limit, rate.periodMs, key),
      });
    }
    if (limited && flow.idempotency) {
      const key = keys.idempotencyKey!;
      windows.push({
        scope: admissionScope("idempotency", functionId, key),
        limit: 1,
        periodMs: IDEMPOTENCY_WINDOW_MS,
        reason: idempotencyReason(key),
      });
    }
    return windows;
  }

  /**
   * Records the admitted event of run `runId` in the rate-limit and idempotency windows, until it is known
   * whether it counts for good (`runCreated`, `deferralApplied`) or is taken back (`runEnded`). Only events
   * that create a run (or join a debounce) count: one skipped by idempotency or singleton takes no
   * rate-limit slot, the same as when the windows are rebuilt from stored runs (which excludes skipped ones).
   */
  #count(runId: string, functionId: string, flow: FunctionFlow, keys: RunFlowKeys, now: number): void {
    if (!flow.rateLimit && !flow.idempotency) return;
    flow.rateLimit?.take(keys.rateLimitKey!, now, this.#rateLimitOf(functionId, flow, keys.rateLimitKey));
    flow.idempotency?.take(keys.idempotencyKey!, now);
    this.#counted.set(runId, {
      functionId,
      rateLimitKey: keys.rateLimitKey,
      idempotencyKey: keys.idempotencyKey,
      at: now,
    });
  }

  /** The effective rate limit of a key value (an override of a keyed rate limit, else the config's). */
  #rateLimitOf(functionId: string, flow: FunctionFlow, key: string | undefined) {
    const configured = flow.config.rateLimit;
    if (configured === undefined || key === undefined) return configured;
    if (configured.key === undefined) return configured;
    return this.scheduler.limits.rateLimit(functionId, key, configured);
  }

  /**
   * How far back the admissions of the functions defined matter (ms): the longest `rateLimit.period` (the
   * longest window, 24 h, for a keyed one while limit overrides exist: an override may lengthen it), or 24 h
   * with an `idempotency`; 0 when none has either. The engine replays the stored admissions of that period
   * with {@link restoreAdmission} on start-up (after the overrides are loaded).
   */
  admissionLookback(): number {
    const overridden = this.scheduler.limits.size > 0;
    let lookbackMs = 0;
    for (const { config } of this.#functions.values()) {
      const { rateLimit, idempotency } = config;
      const rateMs =
        rateLimit?.key !== undefined && overridden ? MAX_ADMISSION_WINDOW_MS : rateLimit?.periodMs;
      lookbackMs = Math.max(lookbackMs, rateMs ?? 0, idempotency ? IDEMPOTENCY_WINDOW_MS : 0);
    }
    return lookbackMs;
  }

  /**
   * Functions with a `throttle`, with how far back their starts are replayed (ms): twice the GCRA
   * tolerance, `2 × (limit + burst) × period / limit`. Earlier starts are bounded, not replayed (see
   * {@link restoreThrottleStart}). The engine replays the starts with {@link restoreThrottleStart}.
   */
  throttledFunctions(): Array<{ functionId: string; lookbackMs: number }> {
    const out: Array<{ functionId: string; lookbackMs: number }> = [];
    for (const [functionId, { config }] of this.#functions) {
      const { throttle } = config;
      if (throttle) {
        const lookbackMs = (2 * (throttle.limit + throttle.burst) * throttle.periodMs) / throttle.limit;
        out.push({ functionId, lookbackMs });
      }
    }
    return out;
  }

  /**
   * Counts an admission of window `scope` (`admissionScope`) made at `at` (ms) before a restart, as it was
   * counted then (a run created, or a debounced event that joined its debounce). Call in `at` order, before
   * new events are admitted. An admission of a function not defined, or of a window it no longer has, is
   * ignored.
   */
  restoreAdmission(scope: string, at: number): void {
    const parsed = parseAdmissionScope(scope);
    const flow = parsed && this.#functions.get(parsed.functionId);
    if (!parsed || !flow) return;
    const { kind, functionId, key } = parsed;
    if (kind === "rateLimit") flow.rateLimit?.take(key, at, this.#rateLimitOf(functionId, flow, key));
    else flow.idempotency?.take(key, at);
  }

  /**
   * Counts a run's first start at `startedAt` (ms) before a restart against its function's throttle, under
   * the throttle key `stored` on the run (evaluated from `event` if it lacks one). Call in start order,
   * with every start since `windowStart` (ms), before runs are dispatched.
   */
  restoreThrottleStart(
    functionId: string,
    event: FlowEvent,
    startedAt: number,
    windowStart: number,
    stored?: StoredRunKeys,
  ): void {
    const throttle = this.#functions.get(functionId)?.config.throttle;
    if (!throttle) return;
    const value = stored?.flowKeys?.throttle ?? this.#key(throttle.key, event, "throttle.key");
    const id = throttle.key === undefined ? functionId : `${functionId}:${value}`;
    this.scheduler.restoreThrottleStart({ id, ...throttle }, startedAt, windowStart);
  }

  /**
   * A run was stored (or is restored on start-up, or found by a recovery sweep): watch it for cancelOn,
   * timeouts and singleton, and keep its keys while it is in memory. Keys recorded at admission are kept;
   * otherwise they are the ones `stored` on the run (evaluated from its event where it lacks them, see
   * `evaluateRunKeys`; all of them when `stored` is not given). A run already watched (or waiting for its
   * function) is left as it is.
   */
  runCreated(run: WatchedRun, stored?: StoredRunKeys): void {
    this.#counted.delete(run.id);
    if (this.#early.has(run.id)) return;
    const flow = this.#functions.get(run.functionId);
    if (!flow) {
      this.#early.set(run.id, { run, stored });
      return;
    }
    const keys = this.#keys.get(run.id) ?? this.#remember(run.id, run.functionId, flow, run.event, stored);
    if (!this.#watch.watching(run.id)) this.#watch.watch(run, flow.config, keys.singletonKey);
  }

  /**
   * A pending run of a function in {@link watchedFunctions}, read at start-up: watch it (cancelOn, timeouts,
   * singleton) without keeping its keys (they are read back with the run when it is due). Its singleton key
   * is the one `stored` on the run, else evaluated from its event. A run already watched, or of a function
   * not defined, is left as it is.
   */
  watchPending(run: WatchedRun, stored?: StoredRunKeys): void {
    const flow = this.#functions.get(run.functionId);
    if (!flow || this.#watch.watching(run.id)) return;
    const { singleton } = flow.config;
    const singletonKey = singleton
      ? (this.#keys.get(run.id)?.singletonKey ??
        stored?.flowKeys?.singleton ??
        this.#key(singleton.key, run.event, "singleton.key"))
      : undefined;
    this.#watch.watch(run, flow.config, singletonKey);
  }

  /**
   * Functions whose runs flow control must watch from creation to end (`singleton`, `cancelOn`, `timeouts`):
   * the engine reads all their pending runs at start-up (other runs are read only when they are due).
   */
  watchedFunctions(): string[] {
    const out: string[] = [];
    for (const [functionId, { config }] of this.#functions) {
      const { singleton, cancelOn, timeouts } = config;
      if (
        singleton ||
        cancelOn.length > 0 ||
        timeouts.startMs !== undefined ||
        timeouts.finishMs !== undefined
      )
        out.push(functionId);
    }
    return out;
  }

  /** The run's handler started executing for the first time. */
  runStarted(runId: string): void {
    this.#watch.started(runId);
  }

  /**
   * The run left this process's memory but goes on (it waits in the store: a backlog beyond its window, a
   * wake-up beyond the horizon): forget its keys; its watch (singleton, cancelOn, deadlines) stays. The keys
   * are rebuilt from the ones stored on the run when it is read back (`runCreated`).
   */
  forgetKeys(runId: string): void {
    this.#keys.delete(runId);
  }

  /**
   * The run ended, was skipped or was never stored: forget its keys, singleton hold and deadlines. A run
   * admitted here but never created (deduplicated, its send failed, or skipped by a shared store) is taken
   * back out of the rate-limit and idempotency windows, as if never admitted.
   */
  runEnded(runId: string): void {
    const counted = this.#counted.get(runId);
    if (counted) {
      this.#counted.delete(runId);
      const flow = this.#functions.get(counted.functionId);
      if (counted.rateLimitKey !== undefined) flow?.rateLimit?.untake(counted.rateLimitKey, counted.at);
      if (counted.idempotencyKey !== undefined) flow?.idempotency?.untake(counted.idempotencyKey, counted.at);
    }
    this.#keys.delete(runId);
    this.#early.delete(runId);
    this.#watch.ended(runId);
    this.scheduler.remove(runId);
  }

  /** A new event was stored: cancel the runs whose `cancelOn` it matches. */
  eventReceived(event: FlowEvent & { seq: number }): void {
    this.#watch.eventReceived(event);
  }

  /**
   * The scheduler item of a due run, from the keys recorded at admission or by `runCreated`. A run
   * flow control never saw (not admitted or created here) gets keys evaluated for an empty event (the
   * null-key rule), so the function's limits still apply.
   */
  queueItem(run: { runId: string; functionId: string; createdAt: number; resume: boolean }): QueueItem {
    const flow = this.#functions.get(run.functionId) ?? { config: emptyConfig };
    const keys = this.#keys.get(run.runId) ?? this.#remember(run.runId, run.functionId, flow, unknownEvent);
    const item: QueueItem = {
      runId: run.runId,
      functionId: run.functionId,
      kind: run.resume ? "resume" : "start",
      createdAt: run.createdAt,
      priority: keys.priority,
      claims: keys.claims,
      key: keys.key,
    };
    if (keys.throttle) item.throttle = keys.throttle;
    return item;
  }

  /** Per function and key: queued, running, throttled. */
  flowState(functionId?: string): BacklogStats[] {
    return this.scheduler.stats(functionId);
  }

  /** Clears the deadline timers (engine shutting down). */
  stop(): void {
    this.#watch.stop();
  }

  #remember(
    runId: string,
    functionId: string,
    flow: { config: FlowConfig },
    event: FlowEvent,
    stored?: StoredRunKeys,
  ): RunFlowKeys {
    const scope = { functionId, appId: this.options.appId };
    const keys = evaluateRunKeys(flow.config, scope, event, this.options.compile, stored);
    this.#keys.set(runId, keys);
    return keys;
  }

  /** The value of key expression `source` (at config `path`) for `event`; `""` without an expression. */
  #key(source: string | undefined, event: FlowEvent, path: string): string {
    return source === undefined ? "" : evaluateKey(this.options.compile, source, event, path).value;
  }

  /** A skipped run is created terminal: nothing about it is kept. */
  #skip(runId: string, keys: RunFlowKeys, reason: string): Admission {
    this.#keys.delete(runId);
    return { kind: "skip", keys, reason };
  }
}

const emptyConfig: FlowConfig = { concurrency: [], cancelOn: [], timeouts: {} };
const unknownEvent: FlowEvent = { name: "", data: {}, id: "", ts: 0 };
