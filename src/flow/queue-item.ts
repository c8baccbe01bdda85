/**
 * What the scheduler queues: one run waiting to start (or to resume after a sleep, wait, invoke or
 * retry backoff), with the flow-control keys that were evaluated for it at schedule time. Type-only.
 *
 * @module
 */

/** One concurrency limit a run holds a slot of while it executes. */
export interface ConcurrencyClaim {
  /** Canonical slot key: `fn:<functionId>`, `fn:<functionId>:<key expr>=<value>`, `env:<app>:<value>`, `account:<value>`. */
  id: string;
  /** Slots of `id` this run's function allows as configured (functions sharing an env/account key may differ). */
  limit: number;
  /** For a keyed limit: its key expression (CEL source) and the value it had for this run. */
  keyExpression?: string;
  keyValue?: string;
}

/** The throttle a start is subject to. */
export interface ThrottleClaim {
  /** Canonical throttle key: `<functionId>` or `<functionId>:<value>`. */
  id: string;
  limit: number;
  periodMs: number;
  burst: number;
  /** For a keyed throttle: the key value of this run. */
  keyValue?: string;
}

export interface QueueItem {
  runId: string;
  functionId: string;
  /** `resume` items (a started run continuing) go before `start` items and are never throttled. */
  kind: "start" | "resume";
  /** Run creation time, ms. FIFO order within a backlog is by `createdAt − priority × 1000`. */
  createdAt: number;
  /** Seconds, already clamped (see `evaluatePriority`). @default 0 */
  priority?: number;
  /** Not before this time (ms): a future event `ts`, a retry backoff. Omit for "now". */
  availableAt?: number;
  /** Every concurrency limit that applies; a run starts only when each has a free slot. */
  claims: readonly ConcurrencyClaim[];
  throttle?: ThrottleClaim;
  /** The label of the run's concurrency key for stats (`""` when the function has no keyed limit). */
  key: string;
  /**
   * Set by the scheduler on a start that had to wait: the last limit that held its backlog while it was
   * queued, e.g. `concurrency key "user_7" at 10/10` or `throttle "user_7": 10 per 60000 ms`.
   */
  waitReason?: string;
}
