import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/index.js";
import { makeFairway } from "./helpers.js";

describe("createFunction with onFailure is all or nothing", () => {
  it("an id that leaves no room for the failure function's id fails naming onFailure; nothing is defined", () => {
    const { fairway } = makeFairway("memory");
    const id = "a".repeat(128);
    const define = () => fairway.createFunction({ id, onFailure: () => {} }, { event: "e" }, async () => 1);
    expect(define).toThrow(ConfigError);
    expect(define).toThrow(/^onFailure: /);
    expect(fairway.functions()).toEqual([]);
    expect(fairway.createFunction({ id }, { event: "e" }, async () => 1).id).toBe(id);
  });

  it("a failure function id that is taken fails before anything is defined", () => {
    const { fairway } = makeFairway("memory");
    fairway.createFunction({ id: "g-failure" }, { event: "e" }, async () => 1);
    expect(() =>
      fairway.createFunction({ id: "g", onFailure: () => {} }, { event: "e" }, async () => 1),
    ).toThrow(/g-failure/);
    expect(fairway.functions().map((fn) => fn.id)).toEqual(["g-failure"]);
    expect(fairway.createFunction({ id: "g" }, { event: "e" }, async () => 1).id).toBe("g");
  });
});
