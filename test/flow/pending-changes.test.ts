import { describe, expect, it } from "vitest";
import { batchChange, debounceChange, dueChange, type PendingState } from "../../src/flow/pending-changes.js";

const T = 1_000_000;
const ev = (id: string, ts = T) => ({ id, ts });

describe("debounceChange", () => {
  const config = { periodMs: 10_000, timeoutMs: 25_000 };

  it("creates, replaces (pushing back, capped by timeout) and ignores an older ts", () => {
    const created = debounceChange(config, T)(undefined, ev("a"));
    expect(created).toEqual({ eventIds: ["a"], lastTs: T, firstAt: T, dueAt: T + 10_000 });
    const replaced = debounceChange(config, T + 8000)(created as PendingState, ev("b", T + 8000));
    expect(replaced).toEqual({ eventIds: ["b"], lastTs: T + 8000, firstAt: T, dueAt: T + 18_000 });
    const capped = debounceChange(config, T + 17_000)(replaced as PendingState, ev("c", T + 17_000));
    expect(capped).toEqual({ eventIds: ["c"], lastTs: T + 17_000, firstAt: T, dueAt: T + 25_000 });
    expect(debounceChange(config, T + 18_000)(capped as PendingState, ev("old", T))).toBeUndefined();
  });

  it("a series already due is released and the event starts a new one", () => {
    const due: PendingState = { eventIds: ["a"], lastTs: T, firstAt: T, dueAt: T + 10_000 };
    expect(debounceChange(config, T + 10_000)(due, ev("b", T - 1))).toEqual({
      release: ["a"],
      next: { eventIds: ["b"], lastTs: T - 1, firstAt: T + 10_000, dueAt: T + 20_000 },
    });
  });

  it("does nothing without an event", () => {
    expect(debounceChange(config, T)(undefined, undefined)).toBeUndefined();
  });
});

describe("batchChange", () => {
  const config = { maxSize: 3, timeoutMs: 5000 };

  it("appends, then releases the batch the third event fills", () => {
    const one = batchChange(config, T)(undefined, ev("a"));
    expect(one).toEqual({ eventIds: ["a"], lastTs: T, firstAt: T, dueAt: T + 5000 });
    const two = batchChange(config, T + 1000)(one as PendingState, ev("b", T + 1000));
    expect(two).toEqual({ eventIds: ["a", "b"], lastTs: T + 1000, firstAt: T, dueAt: T + 5000 });
    expect(batchChange(config, T + 2000)(two as PendingState, ev("c"))).toEqual({ release: ["a", "b", "c"] });
  });

  it("a batch past its timeout is released and the event opens a new one", () => {
    const open: PendingState = { eventIds: ["a"], lastTs: T, firstAt: T, dueAt: T + 5000 };
    expect(batchChange(config, T + 6000)(open, ev("b"))).toEqual({
      release: ["a"],
      next: { eventIds: ["b"], lastTs: T, firstAt: T + 6000, dueAt: T + 11_000 },
    });
  });
});

describe("dueChange", () => {
  it("releases an entry only once it is due", () => {
    const entry: PendingState = { eventIds: ["a", "b"], lastTs: T, firstAt: T, dueAt: T + 5000 };
    expect(dueChange(T + 4999)(entry, undefined)).toBeUndefined();
    expect(dueChange(T + 5000)(entry, undefined)).toEqual({ release: ["a", "b"] });
    expect(dueChange(T + 5000)(undefined, undefined)).toBeUndefined();
  });
});
