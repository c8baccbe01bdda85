/**
 * The event names that may have a pending wait in the SQLite store, so the offer of an accepted event to
 * the waits of its name (and `listWaits`) reads nothing for a name no run waits for — the common case:
 * most event names are only ever triggers — and an ended run deletes no waits while none exists at all.
 *
 * Exact in the direction that matters because the store's process is the only writer of its file
 * (`SqliteStore`: one engine process per file): the set is the names in the waits table when first used,
 * plus every name a wait is inserted for since (added before the insert), so a name that is not in it has
 * no wait. It may hold names whose waits are gone (or whose insert was rolled back): those are read as
 * before. Not a cache for a store other processes write (PostgreSQL: other workers register waits).
 *
 * @module
 */

/** Event names with possibly a pending wait; loaded from the table on first use. */
export class WaitNames {
  readonly #load: () => Iterable<string>;
  #names: Set<string> | undefined;

  /** `load` reads the distinct event names of the waits table (called once, on first use). */
  constructor(load: () => Iterable<string>) {
    this.#load = load;
  }

  /** Call before inserting a wait for `name`. */
  add(name: string): void {
    this.#loaded().add(name);
  }

  /** False when no wait for `name` exists. */
  mayHave(name: string): boolean {
    return this.#loaded().has(name);
  }

  /** False when no wait exists at all. */
  any(): boolean {
    return this.#loaded().size > 0;
  }

  #loaded(): Set<string> {
    this.#names ??= new Set(this.#load());
    return this.#names;
  }
}
