/**
 * A backlog: the queued runs of one (function, concurrency keys, throttle key) combination, in a heap
 * ordered resumes first, then by `createdAt − priority`, then by arrival. All runs of a backlog share
 * their limits, so only the head needs checking.
 *
 * @module
 */
import { Heap, type HeapEntry } from "./heap.js";
import type { QueueItem } from "./queue-item.js";

/** Where a backlog is: empty, in the round-robin rotation, parked on a full limit, or throttled. */
export type BacklogState = "idle" | "ready" | "parked" | "throttled";

export interface QueuedEntry {
  item: QueueItem;
  /** `createdAt − priority × 1000`. */
  score: number;
  /** Arrival order, the final tie-break. */
  seq: number;
}

function before(a: QueuedEntry, b: QueuedEntry): boolean {
  if (a.item.kind !== b.item.kind) return a.item.kind === "resume";
  if (a.score !== b.score) return a.score < b.score;
  return a.seq < b.seq;
}

export class Backlog {
  readonly id: string;
  readonly functionId: string;
  readonly key: string;
  readonly items = new Heap<QueuedEntry>(before);
  state: BacklogState = "idle";
  /** Bumped on every state change; queue entries carrying an older token are stale. */
  token = 0;
  /** Runs of this backlog holding slots now. */
  running = 0;
  /** Dispatch sequence number of this backlog's last start (0 = never): least recently served wakes first. */
  lastServed = 0;
  /** While parked: its entry in the claim's waiter heap. While throttled: its entry in the timer heap. */
  parkEntry: HeapEntry<Backlog> | undefined;
  parkedOn = "";
  /** Whether the head was a resume when parked (fixed while in the heap, so the heap order holds). */
  parkedResume = false;
  /** Order of parking, the final tie-break among waiters. */
  parkSeq = 0;
  throttleEntry: HeapEntry<Backlog> | undefined;
  throttledUntil = 0;
  /** The last limit that held this backlog (parked or throttled) and when (the scheduler's sequence). */
  blocked: { reason: string; seq: number } | undefined;

  constructor(id: string, functionId: string, key: string) {
    this.id = id;
    this.functionId = functionId;
    this.key = key;
  }

  head(): QueueItem | undefined {
    return this.items.peek()?.item;
  }

  add(item: QueueItem, seq: number): HeapEntry<QueuedEntry> {
    return this.items.push({ item, score: item.createdAt - (item.priority ?? 0) * 1000, seq });
  }

  /** Moves to `state` and returns the token that marks entries made for this state as current. */
  enter(state: BacklogState): number {
    this.state = state;
    this.token += 1;
    return this.token;
  }
}

/**
 * Order of backlogs parked on one full claim: resume-headed first, then least recently served (so a
 * tenant that just got a slot waits behind one that did not: round-robin across parked backlogs).
 */
export function wakesBefore(a: Backlog, b: Backlog): boolean {
  if (a.parkedResume !== b.parkedResume) return a.parkedResume;
  if (a.lastServed !== b.lastServed) return a.lastServed < b.lastServed;
  return a.parkSeq < b.parkSeq;
}

/** A reference to a backlog in a FIFO structure, valid while `token` matches. */
export interface BacklogTicket {
  backlog: Backlog;
  token: number;
}

export function isCurrent(ticket: BacklogTicket): boolean {
  return ticket.backlog.token === ticket.token;
}
