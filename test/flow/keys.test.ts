import { describe, expect, it } from "vitest";
import { evaluateKey, NULL_KEY } from "../../src/flow/keys.js";
import { evaluatePriority } from "../../src/flow/priority.js";
import { compile } from "./compile.js";

const event = (data: Record<string, unknown>) => ({ name: "e", data, id: "1", ts: 0 });

describe("key-expression rule", () => {
  it("turns values into strings", () => {
    expect(evaluateKey(compile, "event.data.user", event({ user: "u1" }), "k")).toEqual({ value: "u1" });
    expect(evaluateKey(compile, "event.data.user", event({ user: 42 }), "k")).toEqual({ value: "42" });
    expect(evaluateKey(compile, "event.data.user", event({ user: true }), "k")).toEqual({ value: "true" });
    expect(evaluateKey(compile, "event.data.user", event({ user: { a: [1] } }), "k")).toEqual({
      value: '{"a":[1]}',
    });
    expect(evaluateKey(compile, "1 + 2", event({}), "k")).toEqual({ value: "3" });
  });

  it("puts a missing field or an error in the shared null key with a warning naming the field", () => {
    const missing = evaluateKey(compile, "event.data.user", event({}), "concurrency[0].key");
    expect(missing.value).toBe(NULL_KEY);
    expect(missing.warning).toContain("concurrency[0].key");
    expect(missing.warning).toContain("No such key");
    const nullValue = evaluateKey(compile, "event.data.user", event({ user: null }), "throttle.key");
    expect(nullValue).toEqual({
      value: NULL_KEY,
      warning: `throttle.key: "event.data.user" is null; using the key "${NULL_KEY}"`,
    });
  });
});

describe("priority", () => {
  it.each([
    [{ p: 30 }, 30, false],
    [{ p: 0 }, 0, false],
    [{ p: -12.5 }, -12.5, false],
    [{ p: 1e9 }, 600, true],
    [{ p: -1e9 }, -600, true],
    [{ p: "abc" }, 0, true],
    [{ p: null }, 0, true],
    [{}, 0, true],
  ])("event data %j → %d seconds (warning: %s)", (data, seconds, warns) => {
    const result = evaluatePriority(compile, "event.data.p", event(data));
    expect(result.seconds).toBe(seconds);
    expect(result.warning !== undefined).toBe(warns);
  });

  it("accepts CEL integers (bigint) and NaN becomes 0", () => {
    expect(evaluatePriority(compile, "20 * 3", event({}))).toEqual({ seconds: 60 });
    expect(evaluatePriority(compile, "0.0 / 0.0", event({})).seconds).toBe(0);
  });
});
