/**
 * The dispatch decision's interface: which ready run may start (or resume) next. The dispatcher asks only a
 * `ReadyQueue`; the engine's is flow control's fair scheduler (`flow-ready-queue.ts`: backlogs per
 * function × concurrency-key value, resumes first, concurrency, throttle, priority, or plain FIFO with
 * `ordering: "fifo"`).
 *
 * @module
 */
import type { RunRecord, SlotRequest, ThrottleRequest } from "../store/store.js";

/** A run that is due: what the queue orders by. `resume` = the run has started before. */
export interface ReadyItem {
  runId: string;
  functionId: string;
  backlogKey: string;
  createdAt: number;
  /** Order within the backlog: the run's `queueScore` (else `createdAt`), ms. */
  score: number;
  resume: boolean;
  /**
   * Never started and due when created (`src/store/backlogged.ts`): it counts in its backlog's window
   * (`backlog-windows.ts`), and the store holds the runs beyond it.
   */
  backlogged: boolean;
  /** Set by the queue on a start that had to wait: the limit that held it (see `QueueItem.waitReason`). */
  waitReason?: string;
  /**
   * Set by the queue on a run it hands out: the concurrency slots it took here, with their effective
   * limits, for the store to decide again across processes (`Store.claimRun`'s `slots`).
   */
  slots?: SlotRequest[];
  /**
   * Set by the queue on a first start it lets through its throttle: the throttle with its effective
   * parameters, for the store to decide again across processes (`Store.claimRun`'s `throttle`).
   */
  throttle?: ThrottleRequest;
}

/** The scheduler's queue of due runs. */
export interface ReadyQueue {
  /**
   * Adds a due run (replacing an entry with the same run id). A backlogged run created here may stay in the
   * store instead (false: its backlog's window is full; a refill reads it later). `loaded`: the run was just
   * read from its backlog in the store (it joins its window; one already queued is left as it is).
   */
  enqueue(item: ReadyItem, loaded?: boolean): boolean;
  /** Removes and returns the run that should start next at `now`, or undefined if none may. */
  next(now: number): ReadyItem | undefined;
  /** The run as it is queued (`undefined`: not queued). */
  queued(runId: string): ReadyItem | undefined;
  /** Drops a run (cancelled, claimed elsewhere). True if it was queued. */
  remove(runId: string): boolean;
  size(): number;
  /** The run returned by `next` stopped executing (suspended, finished, lost): free what it held. */
  release(runId: string): void;
  /**
   * The store refused the claim of `item` (returned by `next`): the slots of `scope` are held by other
   * processes. Frees what it held, queues it again, and offers nothing of `scope` until a backoff passed
   * or a local run of `scope` ended. With `retryAt` (ms), the throttle `scope` refused the start: it is
   * queued again and starts no earlier than `retryAt`.
   */
  refused(item: ReadyItem, scope: string, retryAt?: number): void;
  /**
   * The store claimed `run` in place of `asked` (returned by `next`; another process took it): `run` leaves
   * the queue if it is queued and takes over what `asked` holds. Returns the item `run` executes as.
   */
  substitute(asked: ReadyItem, run: RunRecord): ReadyItem;
  /** The store admitted the claim of `item` (returned by `next`, with slots): its scopes' backoff resets. */
  admitted(item: ReadyItem): void;
}

/** The backlog key of a run: function id × concurrency-key value (`""` when the function has no key). */
export function backlogKey(functionId: string, concurrencyKey = ""): string {
  return `${functionId}\u0000${concurrencyKey}`;
}

/** The function id of a backlog key. */
export function backlogFunction(key: string): string {
  const at = key.indexOf("\u0000");
  return at < 0 ? key : key.slice(0, at);
}

/** The concurrency-key label of a backlog key (the run's tenant key; `""` without a keyed limit). */
export function backlogLabel(key: string): string {
  const at = key.indexOf("\u0000");
  return at < 0 ? "" : key.slice(at + 1);
}
