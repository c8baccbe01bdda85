/** An event kept by an {@link EventBuffer}: `seq` is its position (1, 2, …), used as the SSE event id. */
export interface BufferedEvent<T> {
  seq: number;
  value: T;
}

/**
 * A bounded, in-memory log of recent events with live subscribers: what lets an SSE client resume
 * from `Last-Event-ID`. Sequence numbers grow by one per event for the life of the buffer; once more than
 * `capacity` events were published the oldest are dropped ({@link get} no longer finds them).
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

  /** The kept event numbered `seq`, or `undefined` when it was dropped (or not published yet). O(1). */
  get(seq: number): BufferedEvent<T> | undefined {
    const first = this.#events[this.#head];
    if (first === undefined || seq < first.seq) return undefined;
    return this.#events[this.#head + (seq - first.seq)];
  }

  /** The sequence number of the oldest kept event (`lastSeq + 1` when none is kept). */
  get oldestSeq(): number {
    return this.#events[this.#head]?.seq ?? this.#seq + 1;
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
