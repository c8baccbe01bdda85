/**
 * A binary min-heap with removable entries. `push` returns a handle that `remove` accepts, so an item
 * can leave the middle of the heap in O(log n) (a queued run cancelled, a parked backlog woken early).
 *
 * @module
 */

/** A slot in a {@link Heap}; `index` is -1 once the entry has left the heap. */
export interface HeapEntry<T> {
  readonly value: T;
  index: number;
}

/** Min-heap ordered by `before(a, b)` (true when `a` must come out first). push/pop/remove O(log n). */
export class Heap<T> {
  readonly #entries: HeapEntry<T>[] = [];
  readonly #before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.#before = before;
  }

  get size(): number {
    return this.#entries.length;
  }

  push(value: T): HeapEntry<T> {
    const entry: HeapEntry<T> = { value, index: this.#entries.length };
    this.#entries.push(entry);
    this.#up(entry.index);
    return entry;
  }

  peek(): T | undefined {
    return this.#entries[0]?.value;
  }

  pop(): T | undefined {
    const top = this.#entries[0];
    if (top === undefined) return undefined;
    this.remove(top);
    return top.value;
  }

  /** Removes `entry` if it is still in this heap; returns whether it was. */
  remove(entry: HeapEntry<T>): boolean {
    const at = entry.index;
    if (at < 0 || this.#entries[at] !== entry) return false;
    const last = this.#entries.pop()!;
    entry.index = -1;
    if (last !== entry) {
      this.#entries[at] = last;
      last.index = at;
      this.#down(at);
      this.#up(last.index);
    }
    return true;
  }

  #up(start: number): void {
    let at = start;
    const entry = this.#entries[at]!;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = this.#entries[parentAt]!;
      if (!this.#before(entry.value, parent.value)) break;
      this.#entries[at] = parent;
      parent.index = at;
      at = parentAt;
    }
    this.#entries[at] = entry;
    entry.index = at;
  }

  #down(start: number): void {
    let at = start;
    const count = this.#entries.length;
    const entry = this.#entries[at]!;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= count) break;
      const right = left + 1;
      let child = left;
      if (right < count && this.#before(this.#entries[right]!.value, this.#entries[left]!.value))
        child = right;
      const childEntry = this.#entries[child]!;
      if (!this.#before(childEntry.value, entry.value)) break;
      this.#entries[at] = childEntry;
      childEntry.index = at;
      at = child;
    }
    this.#entries[at] = entry;
    entry.index = at;
  }
}
