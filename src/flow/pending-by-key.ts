/**
 * Per-key pending state with one timer per key: what debounce and batching keep while they wait.
 * When a key's timer fires, its state is removed and handed to `onDue`.
 *
 * @module
 */
import type { FlowClock } from "./timers.js";

export class PendingByKey<S> {
  readonly #entries = new Map<string, { state: S; timer: unknown }>();

  constructor(
    private readonly clock: FlowClock,
    private readonly onDue: (state: S, key: string) => void,
  ) {}

  get(key: string): S | undefined {
    return this.#entries.get(key)?.state;
  }

  /** Stores `state` for `key`; with `dueInMs` (re)arms the key's timer, without it keeps the current one. */
  set(key: string, state: S, dueInMs?: number): void {
    const current = this.#entries.get(key);
    let timer = current?.timer;
    if (dueInMs !== undefined || current === undefined) {
      if (current) this.clock.clearTimeout(current.timer);
      timer = this.clock.setTimeout(() => this.#fire(key), Math.max(0, dueInMs ?? 0));
    }
    this.#entries.set(key, { state, timer });
  }

  /** Removes and returns the state of `key`, clearing its timer. */
  take(key: string): S | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.clock.clearTimeout(entry.timer);
    this.#entries.delete(key);
    return entry.state;
  }

  /** Drops every pending state and timer (engine shutting down). */
  stop(): void {
    for (const { timer } of this.#entries.values()) this.clock.clearTimeout(timer);
    this.#entries.clear();
  }

  #fire(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.onDue(entry.state, key);
  }
}
