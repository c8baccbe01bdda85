/**
 * The event names that may have a pending wait in the SQLite store, so `listWaits` answers "none" without a
 * read for an event no run waits for (the common case: every accepted event is offered to the waits of its
 * name, and most names are only ever triggers).
 *
 * Exact in the direction that matters because the store's process is the only writer of its file
 * (`SqliteStore`: one engine process per file): every wait is inserted through this process, which adds its
 * name first, so a name that is not in the set has no wait. The set may hold names whose waits are gone; a
 * name leaves it only when a read outside any open transaction (so of committed rows, none of which a
 * rollback can bring back) found no wait of that name. Not a cache for a store other processes write
 * (PostgreSQL: other workers register waits).
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

  /** Call before inserting a wait for `name` (a rolled-back insert only leaves a name that may be removed later). */
  add(name: string): void {
    this.#loaded().add(name);
  }

  /** False when no wait for `name` exists. */
  mayHave(name: string): boolean {
    return this.#loaded().has(name);
  }

  /** False when no wait exists at all (no name may have one). */
  any(): boolean {
    return this.#loaded().size > 0;
  }

  /** A read of committed rows, made outside any transaction, found no wait for `name`. */
  none(name: string): void {
    this.#names?.delete(name);
  }

  #loaded(): Set<string> {
    this.#names ??= new Set(this.#load());
    return this.#names;
  }
}
