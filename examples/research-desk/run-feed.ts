/**
 * Connects the engine's lifecycle notifications to the per-user tracker. Notifications carry only a run id,
 * so the feed looks each new run up once (`getRun`) to learn which planned send — and so which user and
 * question — it belongs to, holding the run's notifications until then and applying them in order.
 *
 * @module
 */
import type { Run, RunEvent } from "../../src/index.js";
import type { TenantTracker } from "./tenant-tracker.js";

/** What the feed needs from a Fairway client. */
export interface RunSource {
  onRunEvent(listener: (event: RunEvent) => void): () => void;
  getRun(runId: string): Promise<Run | undefined>;
}

/** A send the feed can attribute runs to, keyed by the event id it was sent with. */
export interface TrackedSend {
  userId: string;
  plan: string;
  /** When the event was sent, in ms on the engine's clock. */
  sentAt: number;
}

/** Follows one function's runs into a tracker. Call `stop()` when done. */
export class RunFeed<S extends TrackedSend = TrackedSend> {
  readonly #source: RunSource;
  readonly #tracker: TenantTracker;
  readonly #functionId: string;
  readonly #sends = new Map<string, S>();
  readonly #runs = new Map<string, S>();
  readonly #held = new Map<string, RunEvent[]>();
  readonly #waiters = new Set<() => void>();
  readonly #unsubscribe: () => void;
  #failure: unknown;

  constructor(source: RunSource, tracker: TenantTracker, functionId: string) {
    this.#source = source;
    this.#tracker = tracker;
    this.#functionId = functionId;
    this.#unsubscribe = source.onRunEvent((event) => this.#receive(event));
  }

  /** Registers a send by the id of the event it carried; call before or right after sending. */
  expect(eventId: string, send: S): void {
    this.#sends.set(eventId, send);
  }

  /** Runs attributed so far, with their sends. */
  runs(): ReadonlyMap<string, S> {
    return this.#runs;
  }

  /** Resolves once `count` runs are attributed and none is pending; rejects if a lookup failed. */
  settled(count: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#failure !== undefined) {
          this.#waiters.delete(check);
          reject(this.#failure);
        } else if (this.#runs.size >= count && this.#tracker.pending === 0 && this.#held.size === 0) {
          this.#waiters.delete(check);
          resolve();
        }
      };
      this.#waiters.add(check);
      check();
    });
  }

  stop(): void {
    this.#unsubscribe();
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #receive(event: RunEvent): void {
    if (event.functionId !== this.#functionId) return;
    if (this.#runs.has(event.runId)) {
      this.#apply(event);
      return;
    }
    const held = this.#held.get(event.runId);
    if (held) {
      held.push(event);
      return;
    }
    this.#held.set(event.runId, [event]);
    this.#source.getRun(event.runId).then(
      (run) => this.#attribute(event.runId, run),
      (error: unknown) => {
        this.#failure = error;
        this.#notify();
      },
    );
  }

  #attribute(runId: string, run: Run | undefined): void {
    const events = this.#held.get(runId) ?? [];
    this.#held.delete(runId);
    const send = run ? this.#sends.get(run.event.id) : undefined;
    if (!run || !send) {
      this.#notify();
      return;
    }
    this.#runs.set(runId, send);
    this.#tracker.accepted(runId, send.userId, send.plan, send.sentAt);
    if (run.status === "skipped") this.#tracker.ended(runId, "skipped", run.skipReason);
    for (const event of events) this.#apply(event);
    this.#notify();
  }

  #apply(event: RunEvent): void {
    switch (event.type) {
      case "run.started":
        this.#tracker.started(event.runId, event.at);
        break;
      case "run.sleeping":
      case "run.waiting":
        this.#tracker.paused(event.runId);
        break;
      case "run.completed":
        this.#tracker.ended(event.runId, "completed");
        break;
      case "run.failed":
        this.#tracker.ended(event.runId, "failed");
        break;
      case "run.cancelled":
        this.#tracker.ended(event.runId, "cancelled");
        break;
      case "run.skipped":
        this.#source.getRun(event.runId).then(
          (run) => {
            this.#tracker.ended(event.runId, "skipped", run?.skipReason);
            this.#notify();
          },
          (error: unknown) => {
            this.#failure = error;
            this.#notify();
          },
        );
        return;
      default:
        return;
    }
    this.#notify();
  }
}
