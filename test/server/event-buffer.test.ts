import { describe, expect, it } from "vitest";
import { EventBuffer } from "../../src/server/event-buffer.js";

describe("EventBuffer", () => {
  it("numbers events and replays those after a sequence number, filtered", () => {
    const buffer = new EventBuffer<string>();
    for (const value of ["a1", "b1", "a2", "a3"]) buffer.publish(value);
    const replay = buffer.since(1, (value) => value.startsWith("a"));
    expect(replay).toEqual({
      events: [
        { seq: 3, value: "a2" },
        { seq: 4, value: "a3" },
      ],
      complete: true,
    });
    expect(buffer.lastSeq).toBe(4);
  });

  it("drops the oldest events past capacity and reports the gap", () => {
    const buffer = new EventBuffer<number>(3);
    for (let value = 1; value <= 10; value++) buffer.publish(value);
    expect(buffer.since(7, () => true)).toEqual({
      events: [
        { seq: 8, value: 8 },
        { seq: 9, value: 9 },
        { seq: 10, value: 10 },
      ],
      complete: true,
    });
    expect(buffer.since(2, () => true).complete).toBe(false);
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
