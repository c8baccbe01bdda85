/**
 * Public shapes of the engine: options, runs, step records, handler context, lifecycle notifications.
 *
 * @module
 */
import type { SerializedError } from "../errors/index.js";
import type { RunStatus, StepOp, StepStatus, Store } from "../store/store.js";
import type { Clock } from "./clock.js";
import type { AnyEventData, EventMap, EventSchemas } from "./event-schemas.js";
import type { FairwayEvent, StepTools } from "./step-types.js";

/** Minimal structured logger; `console` fits. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

import type { PriceTable } from "./usage.js";

/** Options of `new Fairway(...)`. */
// biome-ignore lint/complexity/noBannedTypes: `{}` is the empty event map (no schemas)
export interface FairwayOptions<TEvents extends EventMap = {}> {
  /** App id (a slug); shown in logs and used to tell apps apart in a shared store. */
  id: string;
  /**
   * Event data declared with zod (`new EventSchemas().fromZod({...})`): types `event.data` in handlers and
   * `send`, and checks sent events of declared names (ValidationError naming the path). @default none
   */
  schemas?: EventSchemas<TEvents>;
  /**
   * A Store instance, `"memory"` (the MemoryStore, nothing kept after the process), a
   * `postgres://`/`postgresql://` URL (a `PostgresStore`, schema `fairway`), or a SQLite file path: one with
   * a directory or an extension (`.fairway/fairway.db`, `./runs`, `runs.sqlite`), or `":memory:"` (SQLite's
   * in-memory database, kept until `close()`). A ConfigError naming `store`, never a file of that name: an
   * empty string, another URL scheme and colon (`mysql://`, `postgress://`, `file:`, `postgres:/` missing a
   * slash; not a drive letter, `C:\\data`), a leading `~`, another spelling of `"memory"` (`"Memory"`,
   * `" memory"`), whitespace at either end, or a bare name (`"memroy"`).
   * @default PostgreSQL at the `DATABASE_URL` environment variable when it is set, else SQLite at
   *   `.fairway/fairway.db` (relative to the working directory)
   */
  store?: Store | "memory" | string;
  /**
   * Receives every log entry with its fields as they are (Error objects included).
   * @default warnings and errors to `console.error`, one entry per call; debug/info dropped; a field that is
   *   a retryable StoreError (the database away or busy) shown as one line `StoreError (store_failed):
   *   message`, other errors with their stack (see `src/engine/default-logger.ts`)
   */
  logger?: Logger;
  /** @default the system clock */
  clock?: Clock;
  /** Runs whose handlers execute at the same time in this process. @default 256 */
  maxConcurrentRuns?: number;
  /** Multiplies every retry delay (backoff table, jitter, RetryAfterError). `0` retries at once. @default 1 */
  retryBackoffScale?: number;
  /** Lease length in ms on a claimed run; renewed every third of it while executing. @default 30000 */
  leaseMs?: number;
  /**
   * Time between recovery sweeps, ms: each reads one page (1000 runs) of the store's claimable runs (due,
   * or whose lease expired) and queues those this process does not have in hand, so a run stranded by a
   * dead process, a lost wake-up or a store error never waits for a restart. @default 5000
   */
  sweepMs?: number;
  /**
   * What the store keeps only for a while, deleted by a pass on the engine's clock (`Store.sweepRetention`,
   * `src/store/retention.ts`); `false` turns the passes off (everything is kept). Deleting never changes a
   * decision: a row goes only once nothing can count or read it (see {@link RetentionOptions}).
   * @default { eventsMs: 7 days, runsMs: 30 days, usageMs: 400 days, intervalMs: 1 hour }
   */
  retention?: RetentionOptions | false;
  /**
   * How queued runs are ordered across backlogs. `"fair"`: backlogs (function × concurrency key) served
   * in turn. `"fifo"`: one queue in creation order with head-of-line blocking — only for comparisons
   * such as `bench/fairness.ts`. @default "fair"
   */
  ordering?: "fair" | "fifo";
  /**
   * How often (ms) per-key limit overrides (`fairway.limits`) are reloaded from the store, so one set by
   * another worker applies here within that time; `0` never (overrides set through this client apply at
   * once either way). @default 0 for the `"memory"` and `"sqlite"` stores (one process), 2000 otherwise
   */
  limitsRefreshMs?: number;
  /**
   * Prices per model for the cost in `fairway.usage()` and run usage: model name → `{ input, output,
   * cachedInput? }` per 1 000 000 tokens, in one currency of your choice. Models without a price get no cost.
   * @default {}
   */
  prices?: PriceTable;
}

/**
 * Retention of the store's growing tables and of the history (`FairwayOptions.retention`). Kept for their
 * own window, whatever these options: event-id dedup keys (24 h), rate-limit and idempotency admissions
 * (their period, at most 24 h), throttle times (until past), singleton holders and concurrency slots (until
 * their run ends); each is deleted a few minutes after that (a margin for clocks of workers that differ).
 */
export interface RetentionOptions {
  /**
   * How long an event is kept after it was received, ms (the store's event history, Inngest's "event
   * history"): longer while a run that has not ended may still wait for it (every event from the oldest such
   * run's trigger on) or a pending debounce or batch holds it. Runs keep their own trigger events, so the
   * run list and reruns never need the events table. Integer from 0 to `Number.MAX_SAFE_INTEGER`.
   * @default 604800000 (7 days)
   */
  eventsMs?: number;
  /**
   * How long a run's history — the run, its steps (the run list, its timeline) — is kept after it ended
   * (completed, failed, cancelled or skipped), ms; `false`: for ever. A run linked by `step.invoke` to a run
   * that has not ended (its parent, or a child) is kept until that one has ended too and its own time is up.
   * Never shorter than what flow control reads back at start-up (a function's rate-limit or idempotency
   * window, at most 24 h, or its throttle's lookback) plus a few minutes. Integer from 0 to `Number.MAX_SAFE_INTEGER`, or `false`.
   * @default 2592000000 (30 days; Inngest keeps 1 to 90 days of run history by plan)
   */
  runsMs?: number | false;
  /**
   * How long a usage record (one model call's tokens, what `fairway.usage()` sums) is kept after the call,
   * ms; `false`: for ever. Totals over a window reaching further back lose those calls. At least `runsMs`
   * (a kept run keeps its usage). Integer from 0 to `Number.MAX_SAFE_INTEGER`, or `false`.
   * @default the longer of 34560000000 (400 days: a year of monthly totals and the month to compare) and `runsMs`
   */
  usageMs?: number | false;
  /** Time between two passes, ms; the first is one minute after start (or this, if shorter). Integer from 1000 to `Number.MAX_SAFE_INTEGER`. @default 3600000 (1 hour) */
  intervalMs?: number;
}

/** A run as the API shows it. `output` is the handler's return value (deserialized). */
export interface Run {
  id: string;
  functionId: string;
  status: RunStatus;
  eventIds: string[];
  /** The first triggering event, as the handler saw it. */
  event: FairwayEvent;
  events: FairwayEvent[];
  output?: unknown;
  error?: SerializedError;
  attempt: number;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  concurrencyKeys?: string[];
  /** Flow-control fallbacks recorded at scheduling (e.g. a null concurrency key), each naming the field. */
  warnings?: string[];
  skipReason?: string;
  /**
   * Why the run waited before its first execution, when something held it: the last limit that held its
   * backlog while it was queued, e.g. `concurrency key "user_7" at 10/10` or `throttle "org_1": 10 per 60000 ms`;
   * higher-priority runs started before it, `priority: behind runs of priority 10 (this run: 0)`; or the
   * debounce or batch that deferred its creation, `debounce "user_7": deferred from <ISO> until <ISO>`.
   */
  waitReason?: string;
  cancelReason?: string;
  /** Set on runs started by `step.invoke`. */
  parentRunId?: string;
}

/** One entry of a run's step timeline. */
export interface StepRecord {
  /** The step id as the handler wrote it, with `:n` for repeats. */
  id: string;
  op: StepOp;
  status: StepStatus;
  /**
   * What the step was given: waitForEvent `{ event, if, timeoutMs }`, invoke `{ function, data, timeoutMs }`,
   * sendEvent its events.
   */
  input?: unknown;
  output?: unknown;
  error?: SerializedError;
  attempts: number;
  startedAt: number;
  endedAt?: number;
  /** For sleeping/retrying/waiting steps: when it wakes, retries or times out (ms). */
  wakeAt?: number;
}

/**
 * What a handler receives. `attempt` is 0-based (the failing step's attempt, or the handler's). `TEvent`
 * is the triggering event's type: from the client's `EventSchemas` by trigger, else any JSON `data`.
 */
export interface HandlerContext<TEvent extends FairwayEvent<AnyEventData> = FairwayEvent<AnyEventData>> {
  event: TEvent;
  events: TEvent[];
  step: StepTools;
  runId: string;
  attempt: number;
  logger: Logger;
}

/** A function handler; its return value is the run's output (stored with the engine serializer). */
export type Handler<
  TResult = unknown,
  TEvent extends FairwayEvent<AnyEventData> = FairwayEvent<AnyEventData>,
> = (context: HandlerContext<TEvent>) => TResult | Promise<TResult>;

/** Lifecycle notification types, one per phase. */
export type RunEventType =
  | "run.queued"
  | "run.started"
  | "step.completed"
  | "run.sleeping"
  | "run.waiting"
  | "run.completed"
  | "run.failed"
  | "run.cancelled"
  | "run.skipped";

/** A lifecycle notification. `stepId` on `step.completed`; `error` on `run.failed`. */
export interface RunEvent {
  type: RunEventType;
  runId: string;
  functionId: string;
  at: number;
  stepId?: string;
  error?: SerializedError;
}
