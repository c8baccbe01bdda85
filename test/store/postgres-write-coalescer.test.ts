import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors/index.js";
import { WriteCoalescer } from "../../src/store/postgres/write-coalescer.js";

interface Item {
  key: string;
  value: string;
}

/**
 * A coalescer over a scripted statement: every statement's items are recorded, and it settles only when the
 * test calls `finish(n, outcome)`. Flushes run when the test calls `turn()` (the end of an event-loop turn).
 */
function scripted(options: { maxInFlight?: number; maxBatch?: number } = {}) {
  const flushes: Array<() => void> = [];
  const statements: Array<{
    items: Item[];
    settle: (outcome: { written: string[] } | { error: unknown }) => void;
  }> = [];
  const coalescer = new WriteCoalescer<Item, string>({
    key: (item) => item.key,
    write: (items) =>
      new Promise((resolve, reject) => {
        statements.push({
          items,
          settle: (outcome) => {
            if ("error" in outcome) reject(outcome.error);
            else
              resolve(
                new Map(
                  items
                    .filter((item) => outcome.written.includes(item.key))
                    .map((item) => [item.key, item.value]),
                ),
              );
          },
        });
      }),
    schedule: (flush) => {
      flushes.push(flush);
      for (const wake of flushWaiters.splice(0)) wake();
    },
    ...options,
  });
  const flushWaiters: Array<() => void> = [];
  const turn = () => {
    for (const flush of flushes.splice(0)) flush();
  };
  /** Resolves once the coalescer has asked for a flush (it has writes to send at the end of the turn). */
  const flushQueued = () =>
    flushes.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => flushWaiters.push(resolve));
  /** Resolves once `n` statements were sent. */
  const sent = async (n: number) => {
    while (statements.length < n) await new Promise<void>((resolve) => sentWaiters.push(resolve));
  };
  const sentWaiters: Array<() => void> = [];
  const push = statements.push.bind(statements);
  statements.push = (...entries) => {
    const length = push(...entries);
    for (const wake of sentWaiters.splice(0)) wake();
    return length;
  };
  return { coalescer, statements, turn, flushQueued, sent };
}

const item = (key: string, value = key): Item => ({ key, value });

describe("WriteCoalescer (the PostgreSQL store's group commit)", () => {
  it("sends the writes of one turn as one statement and gives each caller its own result", async () => {
    const { coalescer, statements, turn } = scripted();
    const results = [coalescer.write(item("a")), coalescer.write(item("b")), coalescer.write(item("c"))];
    expect(statements).toHaveLength(0); // nothing leaves before the end of the turn
    turn();
    expect(statements.map((statement) => statement.items.map((each) => each.key))).toEqual([["a", "b", "c"]]);
    statements[0]?.settle({ written: ["a", "c"] }); // b's condition (its lease fence) did not hold
    expect(await Promise.all(results)).toEqual(["a", undefined, "c"]);
    await coalescer.drain();
    expect(coalescer.stats()).toEqual({ statements: 1, items: 3 });
  });

  it("never puts two writes of one key in one statement: the later is sent after the earlier settled", async () => {
    const { coalescer, statements, turn, flushQueued } = scripted({ maxInFlight: 4 });
    const first = coalescer.write(item("k", "running"));
    const other = coalescer.write(item("x"));
    const second = coalescer.write(item("k", "completed"));
    turn();
    expect(statements.map((statement) => statement.items.map((each) => each.value))).toEqual([
      ["running", "x"],
    ]);
    statements[0]?.settle({ written: ["k", "x"] });
    expect(await first).toBe("running");
    expect(await other).toBe("x");
    await flushQueued();
    turn();
    expect(statements.map((statement) => statement.items.map((each) => each.value))).toEqual([
      ["running", "x"],
      ["completed"],
    ]);
    statements[1]?.settle({ written: ["k"] });
    expect(await second).toBe("completed");
  });

  it("a statement refused for good is split: only the write the database refuses fails", async () => {
    const { coalescer, statements, turn, sent } = scripted();
    const refusal = new StoreError("the database refused it", { retryable: false });
    const results = ["a", "bad", "c"].map((key) =>
      coalescer.write(item(key)).catch((error: unknown) => error),
    );
    turn();
    statements[0]?.settle({ error: refusal });
    await sent(4);
    // Each item again on its own (the refused statement wrote nothing).
    expect(statements.slice(1).map((statement) => statement.items.map((each) => each.key))).toEqual([
      ["a"],
      ["bad"],
      ["c"],
    ]);
    statements[1]?.settle({ written: ["a"] });
    statements[2]?.settle({ error: refusal });
    statements[3]?.settle({ written: ["c"] });
    expect(await Promise.all(results)).toEqual(["a", refusal, "c"]);
  });

  it("a transient failure that outlasted the database layer's retries fails every caller, sent once", async () => {
    const { coalescer, statements, turn } = scripted();
    const down = new StoreError("the database is unreachable", { retryable: true });
    const results = ["a", "b"].map((key) => coalescer.write(item(key)).catch((error: unknown) => error));
    turn();
    statements[0]?.settle({ error: down });
    expect(await Promise.all(results)).toEqual([down, down]);
    await coalescer.drain();
    turn();
    expect(statements).toHaveLength(1);
  });

  it("keeps at most maxInFlight statements in flight; writes arriving meanwhile leave together, maxBatch each", async () => {
    const { coalescer, statements, turn, flushQueued } = scripted({ maxInFlight: 1, maxBatch: 2 });
    const early = coalescer.write(item("a"));
    turn();
    const later = ["b", "c", "d"].map((key) => coalescer.write(item(key)));
    turn();
    expect(statements).toHaveLength(1); // b, c, d wait for a's statement
    statements[0]?.settle({ written: ["a"] });
    await early;
    await flushQueued();
    turn();
    expect(statements.map((statement) => statement.items.map((each) => each.key))).toEqual([
      ["a"],
      ["b", "c"],
    ]);
    statements[1]?.settle({ written: ["b", "c"] });
    await flushQueued();
    turn();
    expect(statements[2]?.items.map((each) => each.key)).toEqual(["d"]);
    statements[2]?.settle({ written: ["d"] });
    expect(await Promise.all(later)).toEqual(["b", "c", "d"]);
  });

  it("drain resolves once nothing is queued or in flight", async () => {
    const { coalescer, statements, turn, sent } = scripted();
    const write = coalescer.write(item("a"));
    const order: string[] = [];
    const draining = coalescer.drain().then(() => order.push("drained"));
    turn();
    await sent(1);
    order.push("in flight"); // the drain has not resolved while the statement is in flight
    statements[0]?.settle({ written: ["a"] });
    await write;
    await draining;
    expect(order).toEqual(["in flight", "drained"]);
    await expect(coalescer.drain()).resolves.toBeUndefined();
  });
});
