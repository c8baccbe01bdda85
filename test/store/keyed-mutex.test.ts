import { describe, expect, it } from "vitest";
import { KeyedMutex } from "../../src/store/postgres/keyed-mutex.js";

/** A promise and its resolver. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe("KeyedMutex", () => {
  it("runs calls sharing a key one at a time in call order, calls on other keys at once", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const first = gate();
    const a = mutex.run(["x", "y"], async () => {
      log.push("a start");
      await first.opened;
      log.push("a end");
    });
    const b = mutex.run(["y"], async () => {
      log.push("b");
    });
    const c = mutex.run(["z"], async () => {
      log.push("c");
    });
    await c;
    expect(log).toEqual(["a start", "c"]);
    first.open();
    await Promise.all([a, b]);
    expect(log).toEqual(["a start", "c", "a end", "b"]);
    expect(mutex.size).toBe(0);
  });

  it("overlapping key sets in opposite orders never deadlock, and a failed call releases its keys", async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    const results = await Promise.allSettled([
      mutex.run(["p", "q"], async () => {
        order.push("pq");
        throw new Error("boom");
      }),
      mutex.run(["q", "p"], async () => order.push("qp")),
      mutex.run(["q", "q"], async () => order.push("q")),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    expect(order).toEqual(["pq", "qp", "q"]);
    expect(mutex.size).toBe(0);
  });

  it("busy: a key with a call running or waiting, until it settles", async () => {
    const mutex = new KeyedMutex();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = mutex.run(["a", "b"], () => gate);
    expect([mutex.busy(["a"]), mutex.busy(["x", "b"]), mutex.busy(["x"]), mutex.busy([])]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    release();
    await held;
    expect(mutex.busy(["a", "b"])).toBe(false);
  });
});
