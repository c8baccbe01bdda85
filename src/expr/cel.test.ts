import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.js";
import { compileExpression, matches, matchToExpression } from "./cel.js";

describe("CEL expressions", () => {
  it("compiles once per source text (cached)", () => {
    const a = compileExpression("event.data.n > 1", "triggers[0].if");
    const b = compileExpression("event.data.n > 1", "elsewhere");
    expect(a).toBe(b);
    expect(a.evaluate({ event: { data: { n: 2 } } })).toBe(true);
  });

  it("a parse error is a ConfigError naming the field", () => {
    const error = (() => {
      try {
        compileExpression("event.data.(", "triggers[2].if");
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe("triggers[2].if");
    expect(() => compileExpression("  ", "x.if")).toThrow(ConfigError);
  });

  it("matches() is true only for boolean true; missing fields and type errors do not match", () => {
    const expression = compileExpression("async.data.id == event.data.id", "if");
    expect(matches(expression, { event: { data: { id: 1 } }, async: { data: { id: 1 } } })).toBe(true);
    expect(matches(expression, { event: { data: { id: 1 } }, async: { data: {} } })).toBe(false);
    expect(matches(compileExpression("event.data.name", "if"), { event: { data: { name: "x" } } })).toBe(
      false,
    );
  });

  it("match sugar compares the same field of the trigger and the candidate", () => {
    expect(matchToExpression("data.user.id", "match")).toBe("event.data.user.id == async.data.user.id");
    expect(() => matchToExpression("data..x", "waitForEvent.match")).toThrow(ConfigError);
  });
});
