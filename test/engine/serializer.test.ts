import { parse, stringify } from "devalue";
import { describe, expect, it } from "vitest";
import { deserialize, primitiveText, roundTrip } from "../../src/engine/serializer.js";

describe("serializer", () => {
  it("writes undefined, null, booleans and finite numbers exactly as devalue does, without devalue", () => {
    const values = [undefined, null, true, false, 0, 5, -7, 1.5, 2 ** 53, 1e21, -1e-7, Number.MAX_VALUE];
    for (const value of values) {
      expect(primitiveText(value)).toBe(stringify(value));
      expect(Object.is(parse(primitiveText(value) as string), value)).toBe(true);
    }
  });

  it("leaves -0, NaN, infinities, strings, bigints and objects to devalue", () => {
    for (const value of [-0, Number.NaN, Number.POSITIVE_INFINITY, "5", 5n, {}, [], new Date(0)]) {
      expect(primitiveText(value)).toBeUndefined();
    }
    expect(roundTrip(-0, "step").text).toBe(stringify(-0));
    expect(Object.is(roundTrip(-0, "step").value, -0)).toBe(true);
    expect(roundTrip("a<b", "step")).toEqual({ text: stringify("a<b"), value: "a<b" });
  });

  it("hands back a primitive as itself and an object as its round-tripped copy", () => {
    for (const value of [undefined, null, true, 3, "x", 10n]) {
      const { text, value: back } = roundTrip(value, "step");
      expect(Object.is(back, value)).toBe(true);
      expect(Object.is(deserialize(text), value)).toBe(true);
    }
    const object = { at: new Date(5), tags: new Set(["a"]) };
    const { value: back } = roundTrip(object, "step");
    expect(back).toEqual(object);
    expect(back).not.toBe(object);
  });

  it("refuses a symbol as before: devalue writes it but cannot read it back", () => {
    expect(() => roundTrip(Symbol("s"), 'step.run("a")')).toThrow(/step\.run\("a"\)/);
  });
});
