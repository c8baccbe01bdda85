import { describe, expect, it } from "vitest";
import { FifoQueue } from "../../src/flow/fifo-queue.js";
import { Heap } from "../../src/flow/heap.js";

describe("Heap", () => {
  it("pops in order and removes entries from the middle", () => {
    const heap = new Heap<number>((a, b) => a < b);
    const values = [50, 3, 17, 8, 99, 1, 23, 42, 8, 64];
    const entries = values.map((value) => heap.push(value));
    expect(heap.remove(entries[4]!)).toBe(true);
    expect(heap.remove(entries[4]!)).toBe(false);
    expect(heap.remove(entries[1]!)).toBe(true);
    const out: number[] = [];
    for (let value = heap.pop(); value !== undefined; value = heap.pop()) out.push(value);
    expect(out).toEqual([1, 8, 8, 17, 23, 42, 50, 64]);
    expect(heap.size).toBe(0);
  });

  it("stays ordered under random pushes and removals", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const heap = new Heap<number>((a, b) => a < b);
    const live = new Map<number, ReturnType<typeof heap.push>>();
    for (let step = 0; step < 5000; step++) {
      if (random() < 0.6 || live.size === 0) {
        const value = Math.floor(random() * 1e6) * 10000 + step;
        live.set(value, heap.push(value));
      } else {
        const keys = [...live.keys()];
        const victim = keys[Math.floor(random() * keys.length)]!;
        expect(heap.remove(live.get(victim)!)).toBe(true);
        live.delete(victim);
      }
    }
    const expected = [...live.keys()].sort((a, b) => a - b);
    const out: number[] = [];
    for (let value = heap.pop(); value !== undefined; value = heap.pop()) out.push(value);
    expect(out).toEqual(expected);
  });
});

describe("FifoQueue", () => {
  it("keeps order across compaction", () => {
    const queue = new FifoQueue<number>();
    for (let i = 0; i < 3000; i++) queue.push(i);
    for (let i = 0; i < 2500; i++) expect(queue.shift()).toBe(i);
    queue.push(3000);
    expect(queue.peek()).toBe(2500);
    expect(queue.size).toBe(501);
    const rest: number[] = [];
    for (let value = queue.shift(); value !== undefined; value = queue.shift()) rest.push(value);
    expect(rest[0]).toBe(2500);
    expect(rest.at(-1)).toBe(3000);
    expect(queue.shift()).toBeUndefined();
  });
});
