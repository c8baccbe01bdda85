import { describe, expect, it } from "vitest";
import { EventBuffer } from "../../src/server/event-buffer.js";

describe("EventBuffer", () => {
  it("numbers events and finds each by its sequence number", () => {
    const buffer = new EventBuffer<string>();
    expect(buffer.oldestSeq).toBe(1);
    for (const value of ["a1", "b1", "a2"]) buffer.publish(value);
    expect(buffer.get(2)).toEqual({ seq: 2, value: "b1" });
    expect(buffer.get(4)).toBeUndefined();
    expect([buffer.oldestSeq, buffer.lastSeq]).toEqual([1, 3]);
  });

  it("drops the oldest events past capacity", () => {
    const buffer = new EventBuffer<number>(3);
    for (let value = 1; value <= 10; value++) buffer.publish(value);
    expect([buffer.oldestSeq, buffer.lastSeq]).toEqual([8, 10]);
    expect(buffer.get(7)).toBeUndefined();
    expect([8, 9, 10].map((seq) => buffer.get(seq)?.value)).toEqual([8, 9, 10]);
  });

  it("tells subscribers until they unsubscribe", () => {
    const buffer = new EventBuffer<number>();
    const seen: number[] = [];
    const unsubscribe = buffer.subscribe((event) => seen.push(event.value));
    buffer.publish(1);
    unsubscribe();
    buffer.publish(2);
    expect(seen).toEqual([1]);
  });
});
