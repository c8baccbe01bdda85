import { randomFillSync } from "node:crypto";

/**
 * A random-number source for `ulid`'s factories (a function returning a fraction in [0, 1), in steps of
 * 1/256) that draws its bytes from the OS's cryptographic generator `poolBytes` at a time. `ulid`'s own
 * default asks the generator for ONE byte per character, 16 calls per new id — a measurable share of the
 * event API's CPU (`bench/event-api.ts`); this makes it one call per `poolBytes / 16` ids. The bytes are
 * the same kind (`crypto.randomFillSync`, what `getRandomValues` uses); the pool lives in this closure only.
 *
 * @param poolBytes bytes fetched per refill. @default 512
 */
export function pooledRandom(poolBytes = 512): () => number {
  const pool = new Uint8Array(poolBytes);
  let next = poolBytes;
  return () => {
    if (next === poolBytes) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}
