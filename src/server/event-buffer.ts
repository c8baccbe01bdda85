/** An event kept by an {@link EventBuffer}: `seq` is its position (1, 2, …), used as the SSE event id. */
export interface BufferedEvent<T> {
  seq: number;
  value: T;
}

/**
 * A bounded, in-memory log of recent events with live subscribers: what lets an SSE client resume
 * from `Last-Event-ID`. Sequence numbers grow by one per event for the life of the buffer; once more than
 * `capacity` events were published the oldest are dropped, and {@link since} reports the gap.
 */
export class EventBuffer<T> {
  readonly #capacity: number;
  #events: BufferedEvent<T>[] = [];
  #head = 0;
  #seq = 0;
  readonly #listeners = new Set<(event: BufferedEvent<T>) => void>();

  /** @param capacity events kept for replay. @default 10000 */
  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** Appends `value`, gives it the next sequence number and tells every subscriber. */
  publish(value: T): BufferedEvent<T> {
    const event = { seq: ++this.#seq, value };
    this.#events.push(event);
    if (this.#events.length - this.#head > this.#capacity) this.#head++;
    if (this.#head > this.#capacity) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /**
   * Kept events with `seq > after` that pass `filter`, oldest first. `complete` is false when events
   * after `after` were already dropped (the caller should resend a snapshot).
   */
  since(after: number, filter: (value: T) => boolean): { events: BufferedEvent<T>[]; complete: boolean } {
    const oldest = this.#events[this.#head]?.seq ?? this.#seq + 1;
    const events: BufferedEvent<T>[] = [];
    for (let index = this.#head; index < this.#events.length; index++) {
      const event = this.#events[index]!;
      if (event.seq > after && filter(event.value)) events.push(event);
    }
    return { events, complete: after >= oldest - 1 };
  }

  /** The sequence number of the latest event (0 before any). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Calls `listener` for each event published from now on. Returns the unsubscribe function. */
  subscribe(listener: (event: BufferedEvent<T>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
