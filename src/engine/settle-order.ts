/**
 * The order in which a run's steps settled, so that a replay hands the handler their results in that
 * order and not in call order: `Promise.race`, `Promise.any` and other first-settled patterns over steps
 * pick the same winner on every replay (the kind inngest-js fixed in its PR #1295).
 *
 * Every result handed to the handler (a value or a StepError) carries a settle sequence number, stored on
 * its step row (`StepRow.settledSeq`): results are delivered strictly in that order. At the start of an
 * execution the order is planned from the memoized rows: first the rows with a recorded number, then the
 * rows that settled while the run was not executing (a wait resolved by an event, an invoke by its child's
 * end, in the order of their end time) and the sleeps and timeouts that are now due (in the order of their
 * wake-up time); these get the next numbers. Results produced by this execution (a `step.run` body, a
 * send) get numbers as they become known, after all planned ones.
 *
 * A planned step that this execution does not call before the handler goes idle (one turn of the event
 * loop with its delivery waiting) is retired so that the others go on: that happens only when the handler
 * is not deterministic or awaits something outside steps between two steps; the results then come in the
 * order they are reached, as without this ordering.
 *
 * @module
 */
import type { StepRow } from "../store/store.js";

/** The step rows of an execution and the order in which to deliver their results. */
export class SettleOrder {
  /** Seq of each planned (memoized) step key. */
  private readonly planned = new Map<string, number>();
  /** Seqs not yet delivered, retired or skipped, ascending. */
  private readonly pending: number[] = [];
  /** Release of the delivery waiting for each seq. */
  private readonly waiters = new Map<number, () => void>();
  private readonly called = new Set<string>();
  /** Key of each planned seq. */
  private readonly keyOf = new Map<number, string>();
  private nextSeq: number;
  private checkScheduled = false;

  /** Plans the order from the rows loaded with the claim, at `now` (ms). */
  constructor(steps: StepRow[], now: number) {
    let next = 0;
    const recorded: StepRow[] = [];
    const unrecorded: Array<{ row: StepRow; at: number }> = [];
    for (const row of steps) {
      const settled = row.status === "completed" || row.status === "failed";
      if (settled && row.settledSeq !== undefined) {
        recorded.push(row);
        next = Math.max(next, row.settledSeq + 1);
      } else if (settled) {
        unrecorded.push({ row, at: row.endedAt ?? row.startedAt });
      } else if ((row.status === "sleeping" || row.status === "waiting") && (row.wakeAt ?? 0) <= now) {
        unrecorded.push({ row, at: row.wakeAt ?? now });
      }
    }
    recorded.sort((a, b) => (a.settledSeq as number) - (b.settledSeq as number));
    for (const row of recorded) this.plan(row.id, row.settledSeq as number);
    unrecorded.sort((a, b) => a.at - b.at || a.row.position - b.row.position);
    for (const { row } of unrecorded) this.plan(row.id, next++);
    this.nextSeq = next;
  }

  /** Notes that the handler called the step `key` in this execution. */
  call(key: string): void {
    this.called.add(key);
  }

  /**
   * The seq for the result of step `key`: its planned one, or the next free one for a result this
   * execution produced. Call once per delivered result.
   */
  seqFor(key: string): number {
    const planned = this.planned.get(key);
    if (planned !== undefined) return planned;
    const seq = this.nextSeq++;
    this.pending.push(seq);
    return seq;
  }

  /**
   * Resolves when every result numbered below `seq` has been delivered (or retired); `undefined` when that is
   * already so (nothing to wait for: the common case, a result of this execution in call order).
   */
  turn(seq: number): Promise<void> | undefined {
    if (this.pending[0] === seq || !this.pending.includes(seq)) return undefined;
    const turn = new Promise<void>((resolve) => this.waiters.set(seq, resolve));
    this.scheduleCheck();
    return turn;
  }

  /** Marks `seq` as delivered: the next result in order may go. */
  done(seq: number): void {
    const index = this.pending.indexOf(seq);
    if (index < 0) return;
    this.pending.splice(index, 1);
    this.releaseHead();
  }

  /** A planned step that did not settle after all (it suspends again): later results do not wait for it. */
  skip(key: string): void {
    const seq = this.planned.get(key);
    if (seq !== undefined) this.done(seq);
  }

  private plan(key: string, seq: number): void {
    this.planned.set(key, seq);
    this.keyOf.set(seq, key);
    this.pending.push(seq);
  }

  /** Releases the delivery waiting for the first pending seq; retires uncalled heads after an idle turn. */
  private releaseHead(): void {
    const head = this.pending[0];
    if (head === undefined) return;
    const release = this.waiters.get(head);
    if (release) {
      this.waiters.delete(head);
      release();
    } else if (this.waiters.size > 0) {
      this.scheduleCheck();
    }
  }

  /**
   * After a turn of the event loop: retires planned heads that the handler has not called, then releases
   * the head. A called step, or a result of this execution, is on its way (a store write): its `done` goes on.
   */
  private scheduleCheck(): void {
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      let head = this.pending[0];
      while (head !== undefined && this.waiters.size > 0 && !this.waiters.has(head)) {
        const key = this.keyOf.get(head);
        if (key === undefined || this.called.has(key)) return;
        this.pending.shift();
        head = this.pending[0];
      }
      this.releaseHead();
    });
  }
}
