import { describe, expect, it } from "vitest";
import { inlineValues } from "../../src/store/postgres/inline-values.js";

describe("inlineValues: literals in place of bound parameters", () => {
  it("quotes strings so no value ends its literal, and writes numbers, booleans, null and arrays", () => {
    expect(
      inlineValues("SELECT $1, $2, $3::text[], $4, $5, $6::int[], $1", [
        "it's",
        "a\\b'c",
        ["x", "y'"],
        12.5,
        null,
        [],
      ]),
    ).toBe(`SELECT 'it''s',  E'a\\\\b''c', ARRAY['x', 'y''']::text[], 12.5, NULL, ARRAY[]::int[], 'it''s'`);
    expect(inlineValues("SELECT $1, $2", [true, false])).toBe("SELECT TRUE, FALSE");
  });

  it("makes strings NUL-safe as bound parameters are (U+0000 → U+0001 U+0002, U+0001 doubled)", () => {
    expect(inlineValues("SELECT $1::text[]", [["a\u0000b", "c\u0001"]])).toBe(
      "SELECT ARRAY['a\u0001\u0002b', 'c\u0001\u0001']::text[]",
    );
  });

  it("refuses a value it cannot write and a placeholder with no value, naming the placeholder", () => {
    expect(() => inlineValues("SELECT $1", [Number.NaN])).toThrow(/\$1: cannot be inlined/);
    expect(() => inlineValues("SELECT $1", [{ a: 1 }])).toThrow(/\$1: cannot be inlined/);
    expect(() => inlineValues("SELECT $1, $2", ["a"])).toThrow(/\$2: no value/);
  });
});
