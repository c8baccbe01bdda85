/**
 * The dispatch decision: which ready run may start (or resume) next. The executor asks only this module.
 *
 * Work waits in backlogs, one per (function id × concurrency-key value; key `""` when none). Within a
 * backlog, resumes of started runs go before new starts, each FIFO by run creation time. Across backlogs this
 * implementation takes resumes first, then starts, serving backlogs in turn (round-robin). Flow control
 * (issue 3) replaces it with its own `ReadyQueue` (weights, priority, throttle, concurrency) without touching
 * the executor. Every operation is O(log n) in the run count or O(1).
 *
 * @module
 */
import { Heap } from "./heap.js";

/** A run that is due: what the queue orders by. `resume` = the run has started before. */
export interface ReadyItem {
  runId: string;
  functionId: string;
  backlogKey: string;
  createdAt: number;
  resume: boolean;
}

/** The scheduler's queue of due runs. */
export interface ReadyQueue {
  /** Adds a due run (replacing an entry with the same run id). */
  enqueue(item: ReadyItem): void;
  /** Removes and returns the run that should start next at `now`, or undefined if none may. */
  next(now: number): ReadyItem | undefined;
  /** Drops a run (cancelled, claimed elsewhere). True if it was queued. */
  remove(runId: string): boolean;
  size(): number;
  /** The run returned by `next` stopped executing (suspended, finished, lost): free what it held. */
  release?(runId: string): void;
}

/** The backlog key of a run: function id × concurrency-key value (`""` when the function has no key). */
export function backlogKey(functionId: string, concurrencyKey = ""): string {
  return `${functionId}\u0000${concurrencyKey}`;
}

interface Entry {
  item: ReadyItem;
  seq: number;
}

interface Backlog {
  resumes: Heap<Entry>;
  starts: Heap<Entry>;
  inResumeRing: boolean;
  inStartRing: boolean;
}

const fifo = (a: Entry, b: Entry) =>
  a.item.createdAt < b.item.createdAt || (a.item.createdAt === b.item.createdAt && a.seq < b.seq);

/** Round-robin over backlogs, resumes before starts, FIFO by creation time within a backlog. */
export class BacklogReadyQueue implements ReadyQueue {
  private readonly backlogs = new Map<string, Backlog>();
  private readonly live = new Map<string, Entry>();
  private readonly resumeRing: string[] = [];
  private readonly startRing: string[] = [];
  private seq = 0;

  enqueue(item: ReadyItem): void {
    const entry = { item, seq: this.seq++ };
    this.live.set(item.runId, entry);
    let backlog = this.backlogs.get(item.backlogKey);
    if (!backlog) {
      backlog = { resumes: new Heap(fifo), starts: new Heap(fifo), inResumeRing: false, inStartRing: false };
      this.backlogs.set(item.backlogKey, backlog);
    }
    if (item.resume) {
      backlog.resumes.push(entry);
      if (!backlog.inResumeRing) {
        backlog.inResumeRing = true;
        this.resumeRing.push(item.backlogKey);
      }
    } else {
      backlog.starts.push(entry);
      if (!backlog.inStartRing) {
        backlog.inStartRing = true;
        this.startRing.push(item.backlogKey);
      }
    }
  }

  next(_now: number): ReadyItem | undefined {
    return this.take(this.resumeRing, "resumes") ?? this.take(this.startRing, "starts");
  }

  remove(runId: string): boolean {
    return this.live.delete(runId);
  }

  size(): number {
    return this.live.size;
  }

  private take(ring: string[], kind: "resumes" | "starts"): ReadyItem | undefined {
    while (ring.length > 0) {
      const key = ring.shift() as string;
      const backlog = this.backlogs.get(key);
      if (!backlog) continue;
      const heap = backlog[kind];
      const entry = this.popLive(heap);
      if (entry && this.popLivePeek(heap)) {
        ring.push(key);
      } else if (kind === "resumes") {
        backlog.inResumeRing = false;
      } else {
        backlog.inStartRing = false;
      }
      if (backlog.resumes.size === 0 && backlog.starts.size === 0) this.backlogs.delete(key);
      if (entry) {
        this.live.delete(entry.item.runId);
        return entry.item;
      }
    }
    return undefined;
  }

  /** Pops entries until one is still live (removed or re-enqueued entries are skipped lazily). */
  private popLive(heap: Heap<Entry>): Entry | undefined {
    for (let entry = heap.pop(); entry; entry = heap.pop()) {
      if (this.live.get(entry.item.runId) === entry) return entry;
    }
    return undefined;
  }

  /** True if the heap still holds a live entry (drops dead ones from its top). */
  private popLivePeek(heap: Heap<Entry>): boolean {
    for (let entry = heap.peek(); entry; entry = heap.peek()) {
      if (this.live.get(entry.item.runId) === entry) return true;
      heap.pop();
    }
    return false;
  }
}
