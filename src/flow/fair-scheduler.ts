/**
 * The fair scheduler: decides which queued run starts (or resumes) next. See ARCHITECTURE.md.
 *
 * - Runs wait in backlogs per (function, concurrency keys, throttle key); within a backlog resumes go
 *   first, then FIFO by `createdAt − priority`.
 * - Backlogs that can run are served in turn (round-robin), resume-headed ones before start-headed ones.
 * - A backlog whose head needs a slot of a full limit is parked on that limit and leaves the rotation;
 *   releasing a slot wakes parked backlogs in the order they parked.
 * - A backlog whose head start is throttled (GCRA) sits in a timer heap until its allowed time.
 *
 * Cost of `next`, `enqueue`, `remove`, `release`: O(log n) in queued runs plus amortized O(1) in
 * backlogs (a backlog leaves and re-enters the rotation at most once per slot change).
 * Pure: time comes in as `now` arguments, nothing reads a clock.
 *
 * @module
 */
import { Backlog, type BacklogTicket, isCurrent, type QueuedEntry } from "./backlog.js";
import { FifoQueue } from "./fifo-queue.js";
import { gcraAfterStart, gcraTake, gcraTatAllowingAt, gcraTatBound } from "./gcra.js";
import { Heap, type HeapEntry } from "./heap.js";
import { LimitOverrides } from "./limit-overrides.js";
import type { ConcurrencyClaim, QueueItem, ThrottleClaim } from "./queue-item.js";
import { SlotTable } from "./slot-table.js";

/** Ordering across backlogs: `fair` (round-robin, the default) or `fifo` (one queue, head-of-line blocking; a baseline for benchmarks). */
export type SchedulerOrdering = "fair" | "fifo";

/** Counts for one backlog, for the dashboard and CLI. */
export interface BacklogStats {
  functionId: string;
  /** Concurrency key label (`""` without a keyed limit). */
  key: string;
  /** Runs waiting (including throttled ones; excluding ones not yet due). */
  queued: number;
  /** Runs of this backlog holding slots. */
  running: number;
  /** Queued runs waiting for their throttle time. */
  throttled: number;
}

interface Placement<T extends QueueItem> {
  item: T;
  backlog: Backlog;
  entry: HeapEntry<QueuedEntry>;
}

/**
 * The queue of runs waiting to start or resume, and the one answer to "is this run queued": `T` is what the
 * caller queues (a {@link QueueItem}, or one carrying the caller's own fields), handed back as it was by
 * `next` and {@link queued}.
 */
export class FairScheduler<T extends QueueItem = QueueItem> {
  readonly #ordering: SchedulerOrdering;
  readonly #backlogs = new Map<string, Backlog>();
  readonly #placed = new Map<string, Placement<T>>();
  readonly #delayed = new Heap<T>((a, b) => (a.availableAt ?? 0) < (b.availableAt ?? 0));
  readonly #delayedEntries = new Map<string, HeapEntry<T>>();
  readonly #throttled = new Heap<Backlog>((a, b) => a.throttledUntil < b.throttledUntil);
  readonly #readyResume = new FifoQueue<BacklogTicket>();
  readonly #readyStart = new FifoQueue<BacklogTicket>();
  readonly #slots: SlotTable;
  /** Per-key limit overrides, consulted at every slot and throttle decision. */
  readonly limits: LimitOverrides;
  /** GCRA state: the TAT per throttle id, and the stored TATs in time order so idle ids are forgotten. */
  readonly #tats = new Map<string, number>();
  readonly #tatOrder = new Heap<{ id: string; tat: number }>((a, b) => a.tat < b.tat);
  #seq = 0;
  #served = 0;

  constructor(options: { ordering?: SchedulerOrdering; limits?: LimitOverrides } = {}) {
    this.#ordering = options.ordering ?? "fair";
    this.limits = options.limits ?? new LimitOverrides();
    this.#slots = new SlotTable(this.limits);
  }

  /** Runs queued, including ones not yet due. */
  get size(): number {
    return this.#placed.size + this.#delayedEntries.size;
  }

  /**
   * Queues a run. A run id already queued or running is refused (returns false): each run is queued
   * at most once and never counted twice.
   */
  enqueue(item: T): boolean {
    if (
      this.#placed.has(item.runId) ||
      this.#delayedEntries.has(item.runId) ||
      this.#slots.isHeld(item.runId)
    ) {
      return false;
    }
    if (item.availableAt !== undefined) {
      this.#delayedEntries.set(item.runId, this.#delayed.push(item));
    } else {
      this.#place(item);
    }
    return true;
  }

  /** The queued run `runId` (due or not yet due) as it was enqueued, or `undefined` when it is not queued. O(1). */
  queued(runId: string): T | undefined {
    return this.#placed.get(runId)?.item ?? this.#delayedEntries.get(runId)?.value;
  }

  /** Removes a queued run (cancelled, timed out). Returns whether it was queued. */
  remove(runId: string): boolean {
    const delayed = this.#delayedEntries.get(runId);
    if (delayed !== undefined) {
      this.#delayedEntries.delete(runId);
      return this.#delayed.remove(delayed);
    }
    const placement = this.#placed.get(runId);
    if (placement === undefined) return false;
    this.#placed.delete(runId);
    const { backlog } = placement;
    backlog.items.remove(placement.entry);
    if (backlog.items.size === 0) this.#settleEmpty(backlog);
    else if (backlog.state === "throttled" && backlog.head()?.kind === "resume") this.#makeReady(backlog);
    return true;
  }

  /**
   * The next run to start or resume at `now` (ms), or `undefined` when none may. The returned run
   * holds one slot of each of its claims until {@link release}; a throttled start consumed its GCRA
   * token. Call again after `enqueue`, `release`, and at {@link nextWakeAt}.
   */
  next(now: number): T | undefined {
    this.#promote(now);
    for (;;) {
      const backlog = this.#takeReady();
      if (backlog === undefined) return undefined;
      const head = backlog.head()!;
      const full = this.#slots.fullClaim(head.functionId, head.claims);
      if (full !== undefined) {
        this.#park(backlog, full, head.functionId);
        continue;
      }
      if (head.kind === "start" && head.throttle !== undefined) {
        const throttle = this.limits.throttle(head.functionId, head.throttle);
        const decision = gcraTake(this.#tats.get(head.throttle.id), now, throttle);
        if (!decision.allowed) {
          this.#throttle(backlog, decision.retryAt, throttle);
          continue;
        }
        this.#setTat(head.throttle.id, decision.tat);
      }
      const entry = backlog.items.pop()!;
      if (head.kind === "start") this.#nameWait(backlog, head, entry.seq);
      const { item } = this.#placed.get(head.runId)!;
      this.#placed.delete(head.runId);
      this.#slots.acquire(head.runId, { claims: head.claims, backlog });
      backlog.running += 1;
      this.#served += 1;
      backlog.lastServed = this.#served;
      this.#requeue(backlog);
      if (head.kind === "start") this.#servedAhead(backlog, head, entry.seq);
      return item;
    }
  }

  /**
   * Frees the slots of a run (it finished, failed, slept, waits, or its lease expired). Idempotent. A
   * claim {@link refused} elsewhere is unblocked by this end of one of its runs here (a retry, not a
   * guarantee: the store decides again).
   */
  release(runId: string): void {
    this.#free(runId, true);
  }

  /**
   * The run `to` executes in place of `from` (returned by {@link next}; a shared store claimed the next run
   * of the same backlog because another process took `from`): `to` holds the slots `from` took. `to` must
   * not be queued (remove it first).
   */
  transfer(from: string, to: string): void {
    this.#slots.transfer(from, to);
  }

  /**
   * The store refused to start `item` (returned by {@link next}): the slots of `claimId` are all held by
   * other processes. Frees what `item` took here, queues it again, and treats `claimId` as full until
   * {@link unblock} or a local run of that claim ends: its backlogs park on it as on a local full claim, so
   * nothing is offered for that claim meanwhile (no claim is retried in a loop).
   */
  refused(item: T, claimId: string): void {
    this.#slots.block(claimId);
    this.#free(item.runId, false);
    this.enqueue(item);
  }

  /**
   * The store refused to start `item` (returned by {@link next}) because its throttle admits the start only
   * at `retryAt` (ms), counting other processes' starts: frees what `item` took here, takes the throttle's
   * state over (its next conforming start here is `retryAt`, so the backlog waits in the timer heap like
   * one throttled here), and queues it again.
   */
  throttleRefused(item: T, retryAt: number): void {
    this.#free(item.runId, false);
    if (item.throttle !== undefined) {
      const throttle = this.limits.throttle(item.functionId, item.throttle);
      this.#setTat(item.throttle.id, gcraTatAllowingAt(retryAt, throttle));
    }
    this.enqueue(item);
  }

  /** Ends the block {@link refused} put on `claimId`: its parked backlogs are offered again. False: none was on it. */
  unblock(claimId: string): boolean {
    if (!this.#slots.unblock(claimId)) return false;
    while (this.#wake(claimId));
    return true;
  }

  /** Frees a run's slots and wakes their waiters; `unblock`: a claim blocked by a refusal is unblocked too. */
  #free(runId: string, unblock: boolean): void {
    const holding = this.#slots.release(runId);
    if (holding === undefined) return;
    holding.backlog.running -= 1;
    for (const claim of holding.claims) {
      if (!(unblock && this.unblock(claim.id))) this.#wake(claim.id);
    }
    if (holding.backlog.state === "idle") this.#settleEmpty(holding.backlog);
  }

  /** Earliest time (ms) a delayed run becomes due or a throttled backlog may start; `undefined` if none. */
  nextWakeAt(): number | undefined {
    const delayed = this.#delayed.peek()?.availableAt;
    const throttled = this.#throttled.peek()?.throttledUntil;
    if (delayed === undefined) return throttled;
    return throttled === undefined ? delayed : Math.min(delayed, throttled);
  }

  /**
   * Records a start that happened at `at` (ms) under `throttle` before a restart, so the throttle's
   * budget is not handed out again. Call in start order, before dispatching. With `windowStart` (the
   * replay covers every start since then), a key's first replayed start assumes the most its earlier
   * starts may have left (`gcraTatBound`), so a replay never under-counts.
   */
  restoreThrottleStart(throttle: ThrottleClaim, at: number, windowStart?: number): void {
    const known = this.#tats.get(throttle.id);
    const before = known ?? (windowStart === undefined ? undefined : gcraTatBound(at, windowStart, throttle));
    this.#setTat(throttle.id, gcraAfterStart(before, at, throttle));
  }

  /** Throttle ids with GCRA state (ids idle since their TAT passed are forgotten). For tests and stats. */
  get throttleKeyCount(): number {
    return this.#tats.size;
  }

  /** Slots of a claim id in use. */
  slotsInUse(claimId: string): number {
    return this.#slots.used(claimId);
  }

  /** Per-backlog counts, optionally for one function. O(backlogs). */
  stats(functionId?: string): BacklogStats[] {
    const rows: BacklogStats[] = [];
    for (const backlog of this.#backlogs.values()) {
      if (functionId !== undefined && backlog.functionId !== functionId) continue;
      const queued = backlog.items.size;
      rows.push({
        functionId: backlog.functionId,
        key: backlog.key,
        queued,
        running: backlog.running,
        throttled: backlog.state === "throttled" ? queued : 0,
      });
    }
    return rows;
  }

  #place(item: T): void {
    const id = this.#backlogId(item);
    let backlog = this.#backlogs.get(id);
    if (backlog === undefined) {
      backlog = new Backlog(id, item.functionId, this.#ordering === "fifo" ? "" : item.key);
      this.#backlogs.set(id, backlog);
    }
    this.#seq += 1;
    // Arriving behind a limit that holds the backlog: that limit is why this run waits (unless a later one is).
    if (item.kind === "start" && backlog.state !== "ready" && backlog.state !== "idle" && backlog.blocked) {
      item.waitReason = backlog.blocked.reason;
    }
    this.#placed.set(item.runId, { item, backlog, entry: backlog.add(item, this.#seq) });
    if (backlog.state === "idle") this.#makeReady(backlog);
    else if (backlog.state !== "ready" && item.kind === "resume" && backlog.head() === item) {
      this.#makeReady(backlog);
    }
  }

  #backlogId(item: QueueItem): string {
    if (this.#ordering === "fifo") return "*";
    const claims = item.claims.map((claim) => claim.id).join("\u0001");
    return `${item.functionId}\u0000${claims}\u0000${item.throttle?.id ?? ""}`;
  }

  #promote(now: number): void {
    this.#forgetIdleThrottles(now);
    for (
      let item = this.#delayed.peek();
      item && (item.availableAt ?? 0) <= now;
      item = this.#delayed.peek()
    ) {
      this.#delayed.pop();
      this.#delayedEntries.delete(item.runId);
      this.#place(item);
    }
    for (let backlog = this.#throttled.peek(); backlog && backlog.throttledUntil <= now; ) {
      this.#makeReady(backlog);
      backlog = this.#throttled.peek();
    }
  }

  /**
   * Drops the GCRA state of throttle ids whose TAT has passed: `gcraTake` treats a TAT ≤ now exactly like
   * no state (idle, full burst), so memory follows the keys active within one period, not every key
   * ever throttled. Amortized O(log n) per start.
   */
  #setTat(id: string, tat: number): void {
    this.#tats.set(id, tat);
    this.#tatOrder.push({ id, tat });
  }

  #forgetIdleThrottles(now: number): void {
    for (let oldest = this.#tatOrder.peek(); oldest && oldest.tat <= now; oldest = this.#tatOrder.peek()) {
      this.#tatOrder.pop();
      if (this.#tats.get(oldest.id) === oldest.tat) this.#tats.delete(oldest.id);
    }
  }

  #takeReady(): Backlog | undefined {
    for (const queue of [this.#readyResume, this.#readyStart]) {
      for (let ticket = queue.shift(); ticket !== undefined; ticket = queue.shift()) {
        if (isCurrent(ticket)) return ticket.backlog;
      }
    }
    return undefined;
  }

  /** After a dispatch: back of the rotation, parked if its next run's limits are full, or idle. */
  #requeue(backlog: Backlog): void {
    const head = backlog.head();
    if (head === undefined) {
      backlog.enter("idle");
      return;
    }
    const full = this.#slots.fullClaim(head.functionId, head.claims);
    if (full === undefined) this.#makeReady(backlog);
    else this.#park(backlog, full, head.functionId);
  }

  #makeReady(backlog: Backlog): void {
    this.#leave(backlog);
    const token = backlog.enter("ready");
    const resume = backlog.head()?.kind === "resume";
    (resume ? this.#readyResume : this.#readyStart).push({ backlog, token });
  }

  #park(backlog: Backlog, claim: ConcurrencyClaim, functionId: string): void {
    this.#leave(backlog);
    backlog.enter("parked");
    this.#blocked(
      backlog,
      describeFullClaim(claim, this.#slots.used(claim.id), this.limits.concurrencyLimit(functionId, claim)),
    );
    this.#slots.park(claim.id, backlog);
  }

  #throttle(backlog: Backlog, until: number, throttle: ThrottleClaim): void {
    this.#leave(backlog);
    backlog.enter("throttled");
    const key = throttle.keyValue === undefined ? "" : ` "${throttle.keyValue}"`;
    this.#blocked(backlog, `throttle${key}: ${throttle.limit} per ${throttle.periodMs} ms`);
    backlog.throttledUntil = until;
    backlog.throttleEntry = this.#throttled.push(backlog);
  }

  /**
   * Names why start `item` (arrived at `seq`) waited: the limit that last held its backlog since it
   * arrived, or the higher-priority runs served ahead of it, whichever came later.
   */
  #nameWait(backlog: Backlog, item: QueueItem, seq: number): void {
    const priority = item.priority ?? 0;
    const blocked = backlog.blocked && backlog.blocked.seq > seq ? backlog.blocked : undefined;
    const ahead = backlog.servedAhead;
    if (ahead && ahead.seq > seq && ahead.priority > priority && (!blocked || ahead.at >= blocked.seq)) {
      item.waitReason = `priority: behind runs of priority ${ahead.priority} (this run: ${priority})`;
    } else if (blocked) {
      item.waitReason = blocked.reason;
    }
  }

  /**
   * Remembers start `item` (arrived at `seq`) as served ahead of the starts that arrived before it, after
   * its backlog was requeued: a limit it now fills is a consequence of its priority, not a later cause.
   */
  #servedAhead(backlog: Backlog, item: QueueItem, seq: number): void {
    const ahead = backlog.servedAhead;
    if (!ahead || seq > ahead.seq) backlog.servedAhead = { priority: item.priority ?? 0, seq, at: this.#seq };
  }

  #blocked(backlog: Backlog, reason: string): void {
    this.#seq += 1;
    backlog.blocked = { reason, seq: this.#seq };
  }

  /** Takes the backlog out of the waiter or timer heap it is in, if any. */
  #leave(backlog: Backlog): void {
    this.#slots.unpark(backlog);
    if (backlog.throttleEntry === undefined) return;
    this.#throttled.remove(backlog.throttleEntry);
    backlog.throttleEntry = undefined;
  }

  /**
   * A slot of `claimId` was freed: put the first parked backlog that can now run back in rotation.
   * Backlogs found blocked by another full claim move to that claim's waiters; ones still blocked by
   * this claim (their function allows fewer slots of a shared key) keep their place.
   */
  #wake(claimId: string): boolean {
    const stillBlocked: Backlog[] = [];
    let woke = false;
    for (
      let backlog = this.#slots.firstWaiter(claimId);
      backlog;
      backlog = this.#slots.firstWaiter(claimId)
    ) {
      const head = backlog.head()!;
      const full = this.#slots.fullClaim(head.functionId, head.claims);
      if (full === undefined) {
        this.#makeReady(backlog);
        woke = true;
        break;
      }
      if (full.id === claimId) {
        this.#slots.unpark(backlog);
        stillBlocked.push(backlog);
      } else {
        this.#park(backlog, full, head.functionId);
      }
    }
    for (const backlog of stillBlocked) this.#slots.park(claimId, backlog);
    return woke;
  }

  /**
   * Limits changed (an override was set or deleted): every parked backlog whose head now has room goes
   * back in rotation, and every throttled backlog is re-checked at the next `next()` under its new
   * throttle. O(parked + throttled backlogs); call once per change.
   */
  limitsChanged(): void {
    for (const claimId of this.#slots.parkedClaims()) while (this.#wake(claimId));
    for (let backlog = this.#throttled.peek(); backlog; backlog = this.#throttled.peek()) {
      this.#makeReady(backlog);
    }
  }

  #settleEmpty(backlog: Backlog): void {
    this.#leave(backlog);
    if (backlog.state !== "idle") backlog.enter("idle");
    if (backlog.running === 0) this.#backlogs.delete(backlog.id);
  }
}

/** `concurrency key "user_7" at 10/10`, or `concurrency limit fn:<fn> at 32/32` for an unkeyed limit. */
function describeFullClaim(claim: ConcurrencyClaim, used: number, limit: number): string {
  const what =
    claim.keyValue === undefined ? `concurrency limit ${claim.id}` : `concurrency key "${claim.keyValue}"`;
  return `${what} at ${used}/${limit}`;
}
