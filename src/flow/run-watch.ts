/**
 * What flow control watches about runs between creation and end: singleton holders, `cancelOn`
 * registrations and the `timeouts` deadlines. In memory; the engine re-registers pending runs from
 * the store on start-up (`watch` with `startedAt` set for started runs).
 *
 * @module
 */
import { finishDeadline, matchCancelOn, startDeadline } from "./cancel-on.js";
import type { FlowConfig } from "./config/types.js";
import type { CompileExpression } from "./expression.js";
import type { FlowClock, FlowEvent } from "./timers.js";

/** A run as the watch needs it. `eventSeq`: events with a larger `seq` arrived after it was scheduled. */
export interface WatchedRun {
  id: string;
  functionId: string;
  event: FlowEvent;
  eventSeq: number;
  createdAt: number;
  startedAt?: number;
}

/** The event kept for a watched run whose function has no cancelOn (nothing reads it). */
const NO_EVENT: FlowEvent = { name: "", data: {}, id: "", ts: 0 };

interface Entry {
  run: WatchedRun;
  config: FlowConfig;
  started: boolean;
  timer?: unknown;
}

export class RunWatch {
  readonly #runs = new Map<string, Entry>();
  /** Singleton key (function × key value) → the run holding it; and the reverse. */
  readonly #holders = new Map<string, string>();
  readonly #holdings = new Map<string, string>();
  /** cancelOn event name → runs that such an event may cancel. */
  readonly #cancelable = new Map<string, Set<string>>();

  constructor(
    private readonly clock: FlowClock,
    private readonly compile: CompileExpression,
    private readonly cancel: (runId: string, reason: string) => void,
  ) {}

  /** Whether `runId` is watched (created or restored, not ended). */
  watching(runId: string): boolean {
    return this.#runs.has(runId);
  }

  /** The active run holding singleton key `key` of a function, if any. */
  holder(functionId: string, key: string): string | undefined {
    return this.#holders.get(`${functionId}\u0000${key}`);
  }

  /** Makes `runId` the holder of a singleton key (before it is stored, so one send can't start two). */
  hold(functionId: string, key: string, runId: string): void {
    const singleton = `${functionId}\u0000${key}`;
    this.#holders.set(singleton, runId);
    this.#holdings.set(runId, singleton);
  }

  /**
   * Starts watching a created (or restored) run: singleton key, cancelOn, start/finish deadline. A run of a
   * function with neither cancelOn nor timeouts keeps no entry (only its singleton hold, if any), and only
   * cancelOn keeps the trigger event (its expressions read it): a queued run costs nothing here otherwise.
   */
  watch(run: WatchedRun, config: FlowConfig, singletonKey?: string): void {
    if (singletonKey !== undefined && this.holder(run.functionId, singletonKey) === undefined) {
      this.hold(run.functionId, singletonKey, run.id);
    }
    const { cancelOn, timeouts } = config;
    if (cancelOn.length === 0 && timeouts.startMs === undefined && timeouts.finishMs === undefined) return;
    const kept = cancelOn.length > 0 ? run : { ...run, event: NO_EVENT };
    const entry: Entry = { run: kept, config, started: run.startedAt !== undefined };
    this.#runs.set(run.id, entry);
    for (const { event } of config.cancelOn) {
      const ids = this.#cancelable.get(event) ?? new Set<string>();
      this.#cancelable.set(event, ids.add(run.id));
    }
    const deadline = entry.started
      ? finishDeadline(config.timeouts, run.startedAt!)
      : startDeadline(config.timeouts, run.createdAt);
    if (deadline !== undefined)
      this.#arm(entry, deadline, entry.started ? "timeouts.finish" : "timeouts.start");
  }

  /** The run's handler started (first time only counts): the start deadline ends, the finish one begins. */
  started(runId: string): void {
    const entry = this.#runs.get(runId);
    if (!entry || entry.started) return;
    entry.started = true;
    this.#disarm(entry);
    const deadline = finishDeadline(entry.config.timeouts, this.clock.now());
    if (deadline !== undefined) this.#arm(entry, deadline, "timeouts.finish");
  }

  /** The run ended (or was never created): forget it and free its singleton key. */
  ended(runId: string): void {
    const singleton = this.#holdings.get(runId);
    if (singleton !== undefined) {
      this.#holdings.delete(runId);
      if (this.#holders.get(singleton) === runId) this.#holders.delete(singleton);
    }
    const entry = this.#runs.get(runId);
    if (!entry) return;
    this.#runs.delete(runId);
    this.#disarm(entry);
    for (const { event } of entry.config.cancelOn) this.#cancelable.get(event)?.delete(runId);
  }

  /** Offers a newly stored event to the `cancelOn` entries of every watched run scheduled before it. */
  eventReceived(event: FlowEvent & { seq: number }): void {
    const now = this.clock.now();
    for (const runId of [...(this.#cancelable.get(event.name) ?? [])]) {
      const entry = this.#runs.get(runId);
      if (!entry || event.seq <= entry.run.eventSeq) continue;
      const scheduled = { event: entry.run.event, scheduledAt: entry.run.createdAt };
      const index = matchCancelOn(entry.config.cancelOn, this.compile, scheduled, event, now);
      if (index !== undefined) this.cancel(runId, `cancelOn[${index}]: event ${event.name} (${event.id})`);
    }
  }

  /** Clears every timer (engine shutting down). */
  stop(): void {
    for (const entry of this.#runs.values()) this.#disarm(entry);
  }

  #arm(entry: Entry, at: number, field: string): void {
    const delay = Math.max(0, at - this.clock.now());
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = undefined;
      if (this.#runs.get(entry.run.id) === entry) this.cancel(entry.run.id, `${field}: deadline passed`);
    }, delay);
  }

  #disarm(entry: Entry): void {
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
    entry.timer = undefined;
  }
}
