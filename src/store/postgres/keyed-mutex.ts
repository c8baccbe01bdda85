/**
 * Mutual exclusion per key within one process: `run(keys, work)` starts `work` once every earlier `run` that
 * named one of `keys` has settled. A call registers on all its keys at once (synchronously), so each waits
 * only for calls registered before it: no cycle, no deadlock, FIFO per key. Used by the PostgreSQL store
 * so that claims of one concurrency scope wait in memory, not on a pooled connection blocked on the scope's
 * advisory lock (which would starve the pool's other writes).
 *
 * @module
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `work` alone among the calls sharing one of `keys` (any order, duplicates allowed); its result. */
  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    let release: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const unique = [...new Set(keys)];
    const before = unique.map((key) => this.#tails.get(key));
    for (const key of unique) this.#tails.set(key, done);
    try {
      await Promise.all(before);
      return await work();
    } finally {
      release();
      for (const key of unique) if (this.#tails.get(key) === done) this.#tails.delete(key);
    }
  }

  /** Whether a call that names one of `keys` is running or waiting: a `run` of `keys` now would wait for it. */
  busy(keys: readonly string[]): boolean {
    return keys.some((key) => this.#tails.has(key));
  }

  /** Keys with a call running or waiting (for tests: empty once every call settled). */
  get size(): number {
    return this.#tails.size;
  }
}
