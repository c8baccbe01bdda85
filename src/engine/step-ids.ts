/**
 * Deterministic step ids. The n-th repeat (n >= 1) of an id in one execution is shown as `"<id>:<n>"`.
 * The storage key escapes the user's own colons (`:` → `::`) before adding the single-colon repeat suffix,
 * so a user id `"a:1"` (key `"a::1"`) never collides with the first repeat of `"a"` (key `"a:1"`): escaped
 * ids contain only even runs of colons, and a suffix adds an odd one at the end.
 *
 * @module
 */

/** One step call: its storage `key`, its display `name` (with suffix) and repeat `index` (0 = first). */
export interface StepIdentity {
  key: string;
  name: string;
  index: number;
}

/** Hands out ids for one execution of a handler, in call order. */
export class StepIdAllocator {
  private readonly seen = new Map<string, number>();

  next(id: string): StepIdentity {
    const index = this.seen.get(id) ?? 0;
    this.seen.set(id, index + 1);
    const escaped = id.replaceAll(":", "::");
    return index === 0
      ? { key: escaped, name: id, index }
      : { key: `${escaped}:${index}`, name: `${id}:${index}`, index };
  }
}
