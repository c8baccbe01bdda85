/**
 * `Fairway`: the client. Define functions, send events, inspect and control runs. It wires the scheduling
 * pipeline (scheduler), the dispatcher (ready queue, timers, executor pool) and the store together.
 *
 * @module
 */
import type { ObservableCallback } from "@opentelemetry/api";
import { monotonicFactory } from "ulid";
import { BacklogWindows } from "./engine/backlog-windows.js";
import { type Clock, systemClock } from "./engine/clock.js";
import { CronTriggers } from "./engine/cron-triggers.js";
import { defaultLogger } from "./engine/default-logger.js";
import { Dispatcher } from "./engine/dispatcher.js";
import { EngineFlow, type FlowStateEntry } from "./engine/engine-flow.js";
import { type EventMap, EventSchemas, type SendEventPayload } from "./engine/event-schemas.js";
import type { ExecutionDeps } from "./engine/execution.js";
import { failureEvent, failureFunctionConfig } from "./engine/failure-event.js";
import { type FunctionConfig, normalizeFunctionConfig, type Trigger } from "./engine/function-config.js";
import { EngineActivity } from "./engine/idle.js";
import { newLeaseOwner } from "./engine/lease-owner.js";
import { Limits } from "./engine/limits.js";
import { pooledRandom } from "./engine/pooled-random.js";
import { RecoverySweep, sweepHorizonMs } from "./engine/recovery-sweep.js";
import type { FairwayFunction, RegisteredFunction } from "./engine/registered-function.js";
import { normalizeRetention } from "./engine/retention-options.js";
import { RetentionSweep } from "./engine/retention-sweep.js";
import { RunEventHub, type RunEventListener } from "./engine/run-events.js";
import { RunExecutor } from "./engine/run-executor.js";
import { RunLifecycle } from "./engine/run-lifecycle.js";
import { RunWaiters, SHARED_STORE_POLL_MS } from "./engine/run-waiters.js";
import {
  type Deferral,
  eventIdDedup,
  futureTsDelay,
  Scheduler,
  type ScheduleStage,
} from "./engine/scheduler.js";
import type { EventPayload } from "./engine/step-types.js";
import { StoreWakeups } from "./engine/store-wakeups.js";
import { observeQueue, traceRunCreation, unobserveQueue } from "./engine/telemetry.js";
import type { TriggeredEvent } from "./engine/triggered-event.js";
import type { FairwayOptions, Handler, Logger, Run, StepRecord } from "./engine/types.js";
import {
  normalizePrices,
  type PriceTable,
  pricedTotals,
  type RunUsage,
  sumRecords,
  type TenantModelUsage,
} from "./engine/usage.js";
import { toRun, toStepRecord } from "./engine/views.js";
import { ClosedError, ConfigError, NotFoundError } from "./errors/index.js";
import { reportFirstFailure } from "./expr/cel.js";
import { fieldsOf, knownFields } from "./flow/config/validate.js";
import { openStore } from "./store/open-store.js";
import type { FlowPending, RunFilter, Store, StoredBacklog, UsageQuery } from "./store/store.js";
import { toStoreError } from "./store/store-failures.js";

export { FUNCTION_FAILED_EVENT } from "./engine/failure-event.js";

/** Runs a recovery sweep reads per page. */
const SWEEP_PAGE = 1000;
/** Least time between two sweeps that other workers' notices of due wake-ups bring forward, ms. */
const WAKEUP_SWEEP_GAP_MS = 1000;
/** The first retention pass after start, ms (or the interval, if shorter). */
const FIRST_RETENTION_MS = 60_000;
/** The options `new Fairway(...)` knows. */
const OPTION_FIELDS = knownFields<FairwayOptions>({
  id: true,
  schemas: true,
  store: true,
  logger: true,
  clock: true,
  maxConcurrentRuns: true,
  retryBackoffScale: true,
  leaseMs: true,
  sweepMs: true,
  retention: true,
  ordering: true,
  limitsRefreshMs: true,
  prices: true,
});

/**
 * A client with any declared events: what code that serves or inspects any app takes (`createServer`).
 */
// biome-ignore lint/suspicious/noExplicitAny: accepts a client whatever its event schemas
export type AnyFairway = Fairway<any>;

/** The last schedule-time stage: a run that passed flow control gets its trace (see `telemetry.ts`). */
const traceStage: ScheduleStage = (candidate) =>
  candidate.defer ? candidate : { ...candidate, run: traceRunCreation(candidate.run) };

/** Which client defined each function (see `Fairway.clientOf`). */
const owners = new WeakMap<FairwayFunction, Fairway>();

/**
 * A Fairway app: durable functions triggered by events, executed in this process.
 *
 * @example
 * const fairway = new Fairway({ id: "my-app" });
 * const hello = fairway.createFunction({ id: "hello" }, { event: "app/hello" }, async ({ event, step }) =>
 *   step.run("greet", () => `Hello ${event.data.name}`));
 * const { ids } = await fairway.send({ name: "app/hello", data: { name: "Ada" } });
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is the empty event map (no schemas)
export class Fairway<TEvents extends EventMap = {}> {
  readonly id: string;
  /** The declared event schemas (`options.schemas`), or `undefined`. */
  readonly schemas: EventSchemas<TEvents> | undefined;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Per-key limit overrides at runtime: `await fairway.limits.set("fn-id", "user_7", { concurrency: 3 })`.
   * Stored in the store, applied to the next scheduling decision. See {@link Limits}.
   */
  readonly limits: Limits;
  private readonly limitsRefreshMs: number;
  private readonly prices: PriceTable;
  private readonly registry = new Map<string, RegisteredFunction>();
  private readonly hub: RunEventHub;
  private readonly newId = monotonicFactory(pooledRandom());
  private readonly owner: string;
  private readonly executor: RunExecutor;
  private readonly dispatcher: Dispatcher;
  private readonly scheduler: Scheduler;
  private readonly waiters: RunWaiters;
  private readonly cron: CronTriggers;
  private readonly flow: EngineFlow;
  private readonly sweep: RecoverySweep;
  /** Deletes what the store keeps only for a while (`options.retention`); undefined when turned off. */
  private readonly retention: RetentionSweep | undefined;
  /** Wake-up notices from other processes on the store (`Store.subscribe`), or undefined on a store only this one writes. */
  private readonly wakeups: StoreWakeups | undefined;
  /** Stops listening for them. */
  private unsubscribe: (() => Promise<void>) | undefined;
  /** What the engine does in memory after each transition the store recorded (see `run-lifecycle.ts`). */
  private readonly lifecycle: RunLifecycle;
  private readonly observeQueue: ObservableCallback;
  /** Counts the engine's store calls in flight: what `idle()` waits for. */
  private readonly activity = new EngineActivity();
  /** Unregisters `idle()` from a clock that awaits it (`FakeClock`). */
  private readonly unregisterIdle: (() => void) | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  /**
   * Throws ConfigError naming the option when an option is invalid or unknown (a misspelt `retentoin`: the
   * message lists the known options; the same for the fields of `retention` and of each price).
   */
  constructor(options: FairwayOptions<TEvents>) {
    if (typeof options?.id !== "string" || options.id === "")
      throw new ConfigError("id", "must be a non-empty string");
    fieldsOf(options, "", OPTION_FIELDS);
    const maxConcurrentRuns = options.maxConcurrentRuns ?? 256;
    if (!Number.isInteger(maxConcurrentRuns) || maxConcurrentRuns < 1) {
      throw new ConfigError("maxConcurrentRuns", "must be an integer >= 1", options.maxConcurrentRuns);
    }
    const scale = options.retryBackoffScale ?? 1;
    if (typeof scale !== "number" || !Number.isFinite(scale) || scale < 0) {
      throw new ConfigError("retryBackoffScale", "must be a finite number >= 0", options.retryBackoffScale);
    }
    const leaseMs = options.leaseMs ?? 30_000;
    if (!Number.isInteger(leaseMs) || leaseMs < 100)
      throw new ConfigError("leaseMs", "must be an integer >= 100", leaseMs);
    if (options.schemas !== undefined && !(options.schemas instanceof EventSchemas)) {
      throw new ConfigError("schemas", "must be an EventSchemas (new EventSchemas().fromZod({ ... }))");
    }
    const sweepMs = options.sweepMs ?? 5000;
    if (!Number.isInteger(sweepMs) || sweepMs < 100)
      throw new ConfigError("sweepMs", "must be an integer >= 100", sweepMs);
    const limitsRefreshMs = options.limitsRefreshMs;
    if (limitsRefreshMs !== undefined && (!Number.isInteger(limitsRefreshMs) || limitsRefreshMs < 0))
      throw new ConfigError(
        "limitsRefreshMs",
        "must be an integer >= 0 (ms; 0 never reloads)",
        limitsRefreshMs,
      );
    const retention = normalizeRetention(options.retention);
    this.prices = normalizePrices(options.prices);
    this.id = options.id;
    this.schemas = options.schemas;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? defaultLogger();
    this.store = this.activity.track(openStore(options.store), toStoreError);
    this.retention =
      retention &&
      new RetentionSweep({
        ...retention,
        store: this.store,
        clock: this.clock,
        logger: this.logger,
        firstDelayMs: Math.min(FIRST_RETENTION_MS, retention.intervalMs),
        historyMs: () => this.flow.historyMs(),
      });
    this.hub = new RunEventHub(this.logger);
    this.owner = newLeaseOwner(this.newId());
    const deps: ExecutionDeps = {
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      owner: this.owner,
      retryBackoffScale: scale,
      random: Math.random,
      newId: () => this.newId(this.clock.now()),
      emit: (event) => this.hub.emit(event),
      findFunction: (id) => this.registry.get(id),
      admitChild: (run) => {
        const admitted = this.flow.invoked(run);
        return { ...admitted, run: traceRunCreation(admitted.run) };
      },
      sendEvents: (events) => this.scheduler.send(events),
      prepareFailure: (run, error) => this.scheduler.prepare(failureEvent(run, error), true),
    };
    this.executor = new RunExecutor(deps);
    const windows = new BacklogWindows({
      read: (backlogKey, limit, after) => this.store.listBacklogRuns(backlogKey, limit, after),
      deliver: (runs) => this.lifecycle.backlogRead(runs),
      logger: this.logger,
      clock: this.clock,
      bounded: options.ordering !== "fifo",
    });
    this.flow = new EngineFlow({
      appId: this.id,
      windows,
      ordering: options.ordering ?? "fair",
      clock: this.clock,
      logger: this.logger,
      flush: (functionId, deferral) => this.flushPending(functionId, deferral),
      cancel: (runId, reason) => this.cancelRun(runId, reason),
      storeDecides: this.store.shared,
    });
    this.dispatcher = new Dispatcher({
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      owner: this.owner,
      leaseMs,
      maxConcurrentRuns,
      executor: this.executor,
      findFunction: deps.findFunction,
      onStarted: (item) => this.lifecycle.started(item),
      onResult: (item, result) => this.lifecycle.result(item, result),
      onClaimMissed: (runId) => this.lifecycle.claimMissed(runId),
      onSubstituted: (askedId, run) => this.lifecycle.substituted(askedId, run),
      queue: this.flow.queue,
      onLeft: (runId, wakeAt) => this.lifecycle.left(runId, wakeAt),
    });
    this.scheduler = new Scheduler({
      store: this.store,
      clock: this.clock,
      newId: deps.newId,
      functions: () => this.registry.values(),
      stages: [eventIdDedup, futureTsDelay, this.flow.stage, traceStage],
      onRunsCreated: (runs) => this.lifecycle.created(runs),
      onWaitResolved: (runId) => this.lifecycle.woken(runId),
      onEventsStored: (events) => this.flow.eventsStored(events),
      onRunsDropped: (runIds) => this.lifecycle.dropped(runIds),
      onDeferralsApplied: (runIds) => this.flow.deferralsApplied(runIds),
      onRunsReplaced: (replaced) => this.flow.replaced(replaced),
      onFlowPending: (entries) => this.flow.pendingWritten(entries),
      schemas: options.schemas as EventSchemas | undefined,
    });
    this.limits = new Limits({
      store: this.store,
      clock: this.clock,
      start: (operation) => this.ready(`limits.${operation}`),
      findFunction: (id) => this.registry.get(id),
      overrides: this.flow.limits,
      changed: () => {
        this.flow.limitsChanged();
        this.dispatcher.requestPump();
      },
      onError: (error) =>
        this.logger.warn(
          "could not reload limit overrides: keeping the ones loaded, trying again (logged once, until it works)",
          { error },
        ),
      onRecovered: () => this.logger.warn("limit overrides reload again"),
    });
    this.observeQueue = (result) => {
      for (const row of this.flowState()) {
        const attributes = {
          "fairway.app.id": this.id,
          "fairway.function.id": row.functionId,
          "fairway.key": row.key,
        };
        result.observe(row.queued, { ...attributes, "fairway.queue.state": "queued" });
        result.observe(row.running, { ...attributes, "fairway.queue.state": "running" });
        result.observe(row.throttled, { ...attributes, "fairway.queue.state": "throttled" });
      }
    };
    observeQueue(this.observeQueue);
    const oneProcess = !this.store.shared;
    // Another worker may end a run this process waits for: read it again now and then.
    this.waiters = new RunWaiters(
      this.store,
      this.clock,
      this.hub,
      oneProcess ? {} : { pollMs: SHARED_STORE_POLL_MS },
    );
    this.limitsRefreshMs = limitsRefreshMs ?? (oneProcess ? 0 : 2000);
    this.flow.queue.onWake = () => this.dispatcher.requestPump();
    this.cron = new CronTriggers(this.clock, this.logger, (fn, payload, key) =>
      this.scheduler.sendTo(fn, payload, key),
    );
    const horizonMs = sweepHorizonMs(sweepMs, leaseMs);
    this.sweep = new RecoverySweep({
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      intervalMs: sweepMs,
      horizonMs,
      maxPauseMs: oneProcess ? Number.POSITIVE_INFINITY : leaseMs,
      pageSize: SWEEP_PAGE,
      onHorizon: (until) => {
        this.dispatcher.horizon = until;
      },
      onDue: (runs, now) => this.lifecycle.recovered(runs, now),
      ...(oneProcess
        ? {}
        : {
            onBacklogs: (backlogs: StoredBacklog[]) => windows.discover(backlogs),
            // Entries of functions this process does not define are left to the processes that do.
            onFlowPending: (entries: FlowPending[]) =>
              this.flow.pendingWritten(entries.filter((entry) => this.registry.has(entry.functionId))),
          }),
    });
    this.wakeups =
      oneProcess || !this.store.subscribe
        ? undefined
        : new StoreWakeups({
            clock: this.clock,
            logger: this.logger,
            listBacklogs: () => this.store.listBacklogs(),
            discover: (backlogs) => windows.discover(backlogs),
            touch: (backlogKeys) => windows.touch(backlogKeys),
            wakeBy: (at) => this.sweep.wakeBy(at),
            horizonMs,
            gapMs: WAKEUP_SWEEP_GAP_MS,
          });
    this.lifecycle = new RunLifecycle({
      store: this.store,
      clock: this.clock,
      owner: this.owner,
      hub: this.hub,
      flow: this.flow,
      executor: this.executor,
      dispatcher: () => this.dispatcher,
      scheduler: () => this.scheduler,
      sweep: () => this.sweep,
      closing: () => this.closing !== undefined,
    });
    this.unregisterIdle = this.clock.registerIdle?.(() => this.idle());
  }

  /**
   * Defines a function. Two forms: `(config, trigger | trigger[], handler)` and
   * `({ id, triggers, ...config }, handler)`. The handler's `event` is typed by the triggers: a declared
   * event (`schemas`) gets its schema's data type, a cron trigger `{ cron }`, others any JSON data.
   * Throws ConfigError naming the field for invalid config, and for an id already defined.
   */
  createFunction<const TTrigger extends Trigger | readonly Trigger[], TResult>(
    config: FunctionConfig,
    trigger: TTrigger,
    handler: Handler<TResult, TriggeredEvent<TEvents, TTrigger>>,
  ): FairwayFunction<TResult>;
  createFunction<const TTrigger extends Trigger | readonly Trigger[], TResult>(
    config: FunctionConfig & { triggers: TTrigger },
    handler: Handler<TResult, TriggeredEvent<TEvents, TTrigger>>,
  ): FairwayFunction<TResult>;
  /** A config whose triggers are not known at compile time (built at run time): any JSON `event.data`. */
  createFunction<TResult>(config: FunctionConfig, handler: Handler<TResult>): FairwayFunction<TResult>;
  createFunction<TResult>(
    config: FunctionConfig,
    triggerOrHandler: Trigger | readonly Trigger[] | Handler<TResult, never>,
    maybeHandler?: Handler<TResult, never>,
  ): FairwayFunction<TResult> {
    const handler = typeof triggerOrHandler === "function" ? triggerOrHandler : maybeHandler;
    if (typeof handler !== "function") throw new ConfigError("handler", "must be a function");
    if (typeof triggerOrHandler !== "function" && config?.triggers !== undefined) {
      throw new ConfigError(
        "triggers",
        "give triggers either in the config or as the second argument, not both",
      );
    }
    const merged =
      typeof triggerOrHandler === "function" ? config : { ...config, triggers: triggerOrHandler };
    const normalized = normalizeFunctionConfig(merged);
    const failure = normalized.onFailure ? failureFunctionConfig(normalized) : undefined;
    for (const id of [normalized.id, failure?.id]) {
      if (id !== undefined && this.registry.has(id))
        throw new ConfigError("id", `function "${id}" is already defined`, id);
    }
    const fn = this.register(normalized.id, normalized, handler as Handler);
    if (failure && normalized.onFailure) this.register(failure.id, failure, normalized.onFailure);
    return fn as FairwayFunction<TResult>;
  }

  /** `config`'s triggers, each `if` logging its first evaluation error (once per function and trigger). */
  private reporting(id: string, config: RegisteredFunction["config"]): RegisteredFunction["triggers"] {
    return config.triggers.map((trigger) =>
      trigger.kind === "event" && trigger.condition
        ? {
            ...trigger,
            condition: reportFirstFailure(trigger.condition, (error) =>
              this.logger.warn("trigger condition failed to evaluate; events it fails on do not match", {
                functionId: id,
                expression: trigger.if,
                error: error instanceof Error ? error.message : String(error),
              }),
            ),
          }
        : trigger,
    );
  }

  private register(id: string, config: RegisteredFunction["config"], handler: Handler): RegisteredFunction {
    if (this.registry.has(id)) throw new ConfigError("id", `function "${id}" is already defined`, id);
    const fn: RegisteredFunction = {
      id,
      name: config.name,
      config,
      triggers: this.reporting(id, config),
      handler,
    };
    this.registry.set(id, fn);
    // The owner map is untyped: callers (createServer) send only what clients they were given accept.
    owners.set(fn, this as unknown as Fairway);
    this.flow.define(fn);
    this.dispatcher.functionDefined(id);
    if (this.starting) this.cron.add(fn);
    return fn;
  }

  /** The client that defined `fn` with `createFunction`, or `undefined` (lets `createServer({ functions })` find it). */
  static clientOf(fn: FairwayFunction): Fairway | undefined {
    return owners.get(fn);
  }

  /** The functions defined so far. */
  functions(): FairwayFunction[] {
    return [...this.registry.values()];
  }

  /**
   * Stores events and starts a run of every function they trigger. Returns the stored event ids (ULIDs), in
   * order. A declared event (`schemas`) needs `data` of its schema (checked at compile time and here).
   * Throws ValidationError (naming each bad field, e.g. `data.user_id`) or LimitError (size, count) before
   * storing anything.
   */
  async send<Name extends string, const Names extends readonly string[]>(
    events:
      | SendEventPayload<TEvents, Name>
      | { [Index in keyof Names]: SendEventPayload<TEvents, Names[Index]> },
  ): Promise<{ ids: string[] }> {
    await this.ready("send");
    return this.scheduler.send(events as EventPayload | EventPayload[]);
  }

  /**
   * Opens the store and resumes unfinished runs (including runs of a crashed process). Idempotent; after
   * a failure (the database unreachable: a StoreError) the next call tries again. After `close()` it, and
   * every method that reads or writes the store, rejects with ClosedError naming the method.
   */
  start(): Promise<void> {
    return this.ready("start");
  }

  /**
   * `start()` on behalf of `operation` (the public method called, e.g. `"send"`). Rejects with ClosedError
   * naming it once `close()` was called.
   */
  private ready(operation: string): Promise<void> {
    if (this.closing) return Promise.reject(new ClosedError(operation));
    this.starting ??= this.recover().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /**
   * Start-up reads what the scheduler needs, not the backlog: flow control's state (`EngineFlow.restore`:
   * its windows, throttles, the pending runs of functions it watches from creation, the stored debounces
   * and batches), each backlog's count and first runs
   * (`BacklogWindows.restore`, in the background), and the wake-ups within the sweep's horizon (the first
   * sweep, which also releases the leases of this host's dead processes). Memory and time follow the number
   * of backlogs and the runs due soon, not the number of queued runs.
   */
  private async recover(): Promise<void> {
    await this.store.init();
    const now = this.clock.now();
    await this.limits.refresh();
    await this.flow.restore(this.store, now);
    // Listening before the backlogs are read: work another worker stores from here on is announced.
    await this.listen();
    const backlogs = await this.store.listBacklogs();
    if (!this.closing) await this.sweep.start();
    // The backlogs' first pages are read in the background, after the wake-ups due now.
    this.flow.queue.windows.restore(backlogs);
    for (const fn of this.registry.values()) this.cron.add(fn);
    this.limits.refreshEvery(this.limitsRefreshMs);
    this.retention?.start();
  }

  /** Subscribes to the store's wake-up notices (once; again after a failed start). */
  private async listen(): Promise<void> {
    const { wakeups } = this;
    if (!wakeups || this.unsubscribe || !this.store.subscribe) return;
    this.unsubscribe = await this.store.subscribe((work) => wakeups.onWork(work));
  }

  /** A run by id, or `undefined`. */
  async getRun(runId: string): Promise<Run | undefined> {
    await this.ready("getRun");
    const run = await this.store.getRun(runId);
    return run ? toRun(run) : undefined;
  }

  /** Runs newest first, filtered; pass `nextCursor` back as `cursor` for the next page. */
  async listRuns(filter: RunFilter = {}): Promise<{ runs: Run[]; nextCursor?: string }> {
    await this.ready("listRuns");
    const page = await this.store.listRuns(filter);
    return page.nextCursor
      ? { runs: page.runs.map(toRun), nextCursor: page.nextCursor }
      : { runs: page.runs.map(toRun) };
  }

  /** A run's step timeline, in call order. Throws NotFoundError for an unknown run. */
  async getRunSteps(runId: string): Promise<StepRecord[]> {
    await this.ready("getRunSteps");
    if (!(await this.store.getRun(runId))) throw new NotFoundError("run", runId);
    return (await this.store.getSteps(runId)).map(toStepRecord);
  }

  /**
   * A run's token usage: totals (with `cost` when every model is in the `prices` table) and each model call,
   * oldest first. Throws NotFoundError for an unknown run.
   */
  async getRunUsage(runId: string): Promise<RunUsage> {
    await this.ready("getRunUsage");
    if (!(await this.store.getRun(runId))) throw new NotFoundError("run", runId);
    const calls = await this.store.listUsage(runId);
    return { totals: sumRecords(calls, this.prices), calls };
  }

  /**
   * Token usage per tenant key × model over a window: `query.since` (inclusive) and `query.until`
   * (exclusive) in ms on the engine clock, optionally one function, tenant key or run. The tenant key of a
   * call is its run's first keyed concurrency value (else its throttle key). Rows carry `cost` for models in
   * the `prices` table. Ordered by tenant key, then model.
   */
  async usage(query: UsageQuery = {}): Promise<TenantModelUsage[]> {
    await this.ready("usage");
    return pricedTotals(await this.store.usageTotals(query), this.prices);
  }

  /**
   * Resolves with the run's output once it completes. Throws RunFailedError (with the run's error),
   * RunCancelledError, NotFoundError, or TimeoutError after `timeoutMs` (ms on the engine clock; default none).
   */
  async waitForRun(runId: string, options: { timeoutMs?: number } = {}): Promise<unknown> {
    await this.ready("waitForRun");
    return this.waiters.wait(runId, options.timeoutMs);
  }

  /** Cancels a run that has not ended: no further step starts; its waits and timers are dropped. */
  async cancelRun(runId: string, reason?: string): Promise<void> {
    await this.ready("cancelRun");
    const run = await this.store.cancelRun(runId, reason, this.clock.now());
    if (!run) {
      if (!(await this.store.getRun(runId))) throw new NotFoundError("run", runId);
      return;
    }
    await this.lifecycle.cancelled(run);
  }

  /**
   * Starts a new run of the same function with the same events. Flow control: the function's singleton
   * applies (the rerun is skipped, or replaces the active run); rate limit and idempotency do not.
   * Throws NotFoundError for an unknown run.
   */
  async rerun(runId: string): Promise<{ runId: string }> {
    await this.ready("rerun");
    const old = await this.store.getRun(runId);
    if (!old) throw new NotFoundError("run", runId);
    const now = this.clock.now();
    const rerun = this.flow.rerun({
      id: this.newId(now),
      functionId: old.functionId,
      status: "queued",
      eventIds: old.eventIds,
      events: old.events,
      attempt: 0,
      createdAt: now,
      readyAt: now,
      eventSeq: 0,
      backlogKey: old.backlogKey,
    });
    const run = traceRunCreation(rerun.run);
    const result = await this.store.acceptEvents({ now, events: [], runs: [{ ...rerun, run }] });
    this.lifecycle.created(result.runs);
    if (result.replaced) this.flow.replaced(result.replaced);
    return { runId: run.id };
  }

  /**
   * Resolves once the engine is idle: no store call in flight and no engine work queued for this turn, so
   * whatever the last action (a send, a cancel, a released step) set off has been executed as far as it
   * goes on its own. Runs may still be waiting: on the clock (a sleep, a retry, a throttle; with
   * `FakeClock`, `advance` fires them and awaits this after each), or on something outside the engine (a
   * promise the handler awaits; use `waitForRun` for a run's end). For tests, like `@inngest/test`'s engine.
   * Never rejects.
   *
   * @example
   * await fairway.cancelRun(runId);
   * await fairway.idle(); // the run's slot is free and the next queued run has started
   */
  idle(): Promise<void> {
    return this.activity.idle();
  }

  /** Subscribes to lifecycle notifications of every run; returns the unsubscribe function. */
  onRunEvent(listener: RunEventListener): () => void {
    return this.hub.subscribe(listener);
  }

  /**
   * Stops taking work, lets executing runs finish their current step (they suspend at the next one), and
   * closes the store. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.cron.stop();
      this.sweep.stop();
      const retentionStopped = this.retention?.stop();
      this.wakeups?.stop();
      this.limits.stop();
      unobserveQueue(this.observeQueue);
      this.flow.stop();
      await this.starting?.catch(() => {});
      await this.dispatcher.close(this.executor.active.values());
      await retentionStopped;
      this.waiters.close();
      await this.unsubscribe?.();
      await this.store.close();
      this.unregisterIdle?.();
    })();
    return this.closing;
  }

  /**
   * Per function and concurrency key: runs queued, running (holding slots) and throttled (waiting for
   * their throttle time). For the dashboard and CLI.
   */
  flowState(functionId?: string): FlowStateEntry[] {
    return this.flow.flowState(functionId);
  }

  /** A stored debounce or batch is due: the store creates its run and deletes it, in one transaction. */
  private async flushPending(functionId: string, deferral: Deferral): Promise<void> {
    const fn = this.registry.get(functionId);
    if (fn && !this.closing) await this.scheduler.flush(fn, deferral);
  }
}
