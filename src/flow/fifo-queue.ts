/**
 * An array-backed FIFO queue with O(1) amortized `push` and `shift` (a head index instead of
 * `Array.prototype.shift`, compacted once half the array is consumed). Used for the round-robin
 * rotation of backlogs and for the backlogs waiting on a full concurrency limit.
 *
 * @module
 */
export class FifoQueue<T> {
  #items: T[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** The value `shift` would return, without removing it. */
  peek(): T | undefined {
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }

  push(value: T): void {
    this.#items.push(value);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const value = this.#items[this.#head];
    this.#items[this.#head] = undefined as T;
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return value;
  }
}
