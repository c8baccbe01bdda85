import { describe, expect, it } from "vitest";
import { makeFairway, runOf, storeKinds } from "./helpers.js";

/** What a handler can observe of a value: its type, class and content. */
function describeValue(value: unknown): string {
  const tag = Object.prototype.toString.call(value);
  if (value instanceof Map) return `${tag}:${JSON.stringify([...value])}`;
  if (value instanceof Set) return `${tag}:${JSON.stringify([...value])}`;
  if (value instanceof Date) return `${tag}:${value.getTime()}`;
  if (typeof value === "number") return Object.is(value, -0) ? "number:-0" : `number:${value}`;
  if (typeof value === "bigint") return `bigint:${value}`;
  if (value && typeof value === "object") {
    return `${tag}:{${Object.entries(value)
      .map(([key, inner]) => `${key}=${describeValue(inner)}`)
      .join(",")}}`;
  }
  return `${typeof value}:${String(value)}`;
}

const values: Record<string, () => unknown> = {
  date: () => new Date(Date.UTC(2024, 1, 2)),
  nestedDate: () => ({ at: new Date(0), list: [new Date(1)] }),
  undefined: () => undefined,
  nan: () => Number.NaN,
  negativeZero: () => -0,
  map: () => new Map([["a", 1]]),
  set: () => new Set([1, 2]),
  bigint: () => 10n ** 20n,
};

describe.each(storeKinds)("replay on %s", (kind) => {
  it("a step result is the same type and value on first execution and on replay", async () => {
    const { fairway, clock } = makeFairway(kind);
    const seen: Record<string, string[]> = {};
    fairway.createFunction({ id: "types" }, { event: "go" }, async ({ step }) => {
      for (const [name, make] of Object.entries(values)) {
        const value = await step.run(name, make);
        seen[name] = [...(seen[name] ?? []), describeValue(value)];
      }
      await step.sleep("replay", "1s");
      return "done";
    });
    await fairway.send({ name: "go" });
    await clock.advance("1s");
    await fairway.waitForRun(await runOf(fairway, "types"));
    for (const [name, make] of Object.entries(values)) {
      expect(seen[name], name).toEqual([describeValue(make()), describeValue(make())]);
    }
    await fairway.close();
  });

  it.each([
    ["a function", () => ({ f() {} })],
    ["a symbol", () => ({ s: Symbol("x") })],
    ["a class instance", () => ({ c: new (class Point {})() })],
  ])(
    "a step returning %s fails the run at once with a SerializationError naming the step",
    async (_, make) => {
      const { fairway } = makeFairway(kind);
      let attempts = 0;
      fairway.createFunction({ id: "bad" }, { event: "go" }, async ({ step }) =>
        step.run("unstorable", () => {
          attempts++;
          return make();
        }),
      );
      await fairway.send({ name: "go" });
      const error = await fairway.waitForRun(await runOf(fairway, "bad")).catch((e: unknown) => e);
      expect(error).toMatchObject({ error: { code: "serialization_failed" } });
      expect(String((error as Error).message)).toContain('step.run("unstorable")');
      expect(attempts).toBe(1);
      await fairway.close();
    },
  );

  it("an object with toJSON() (a class instance like NetworkRun) is stored as its JSON form, on every execution", async () => {
    class Result {
      constructor(readonly secret: string) {}
      toJSON() {
        return { kind: "result", at: new Date(5), empty: "" };
      }
    }
    const { fairway, clock } = makeFairway(kind);
    const seen: string[] = [];
    fairway.createFunction({ id: "json-form" }, { event: "go" }, async ({ step }) => {
      const value = await step.run("result", () => new Result("api-key"));
      seen.push(describeValue(value));
      await step.sleep("replay", "1s");
      return new Result("api-key");
    });
    await fairway.send({ name: "go" });
    await clock.advance("1s");
    const output = await fairway.waitForRun(await runOf(fairway, "json-form"));
    const jsonForm = describeValue({ kind: "result", at: new Date(5), empty: "" });
    expect(seen).toEqual([jsonForm, jsonForm]);
    expect(output).toEqual({ kind: "result", at: new Date(5), empty: "" });
    await fairway.close();
  });

  it("repeated ids get :n suffixes and never collide with a user's own 'a:1'", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "ids" }, { event: "go" }, async ({ step }) => {
      const out: string[] = [];
      out.push(await step.run("a", () => "first a"));
      out.push(await step.run("a", () => "second a"));
      out.push(await step.run("a:1", () => "user a:1"));
      out.push(await step.run("a", () => "third a"));
      return out;
    });
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "ids");
    await expect(fairway.waitForRun(runId)).resolves.toEqual(["first a", "second a", "user a:1", "third a"]);
    const steps = await fairway.getRunSteps(runId);
    expect(steps.map((step) => [step.id, step.output])).toEqual([
      ["a", "first a"],
      ["a:1", "second a"],
      ["a:1", "user a:1"],
      ["a:2", "third a"],
    ]);
    await fairway.close();
  });

  it("parallel steps via Promise.all run once each and replay from the memo", async () => {
    const { fairway, clock } = makeFairway(kind);
    const calls: string[] = [];
    fairway.createFunction({ id: "par" }, { event: "go" }, async ({ step }) => {
      const [a, b, c] = await Promise.all([
        step.run("a", async () => {
          calls.push("a");
          return 1;
        }),
        step.run("b", () => {
          calls.push("b");
          return 2;
        }),
        step.sleep("c", "1m").then(() => 3),
      ]);
      const d = await step.run("d", () => {
        calls.push("d");
        return a + b + c;
      });
      return d;
    });
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "par");
    await clock.advance(0);
    expect((await fairway.getRun(runId))?.status).toBe("sleeping");
    await clock.advance("1m");
    await expect(fairway.waitForRun(runId)).resolves.toBe(6);
    expect(calls.sort()).toEqual(["a", "b", "d"]);
    await fairway.close();
  });

  it("a changed step order on replay fails the run with a NonDeterminismError", async () => {
    const { fairway, clock } = makeFairway(kind);
    let flip = false;
    fairway.createFunction({ id: "nd" }, { event: "go" }, async ({ step }) => {
      await step.run(flip ? "b" : "a", () => "x");
      await step.sleep("wait", "1s");
      return "never";
    });
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "nd");
    await clock.advance(0);
    flip = true;
    await clock.advance("1s");
    const error = await fairway.waitForRun(runId).catch((e: unknown) => e);
    expect(error).toMatchObject({ error: { code: "non_determinism" } });
    expect((await fairway.getRun(runId))?.attempt).toBe(0);
    await fairway.close();
  });

  it("the handler continues through steps without re-entering (one handler call for many steps)", async () => {
    const { fairway } = makeFairway(kind);
    let entries = 0;
    fairway.createFunction({ id: "straight" }, { event: "go" }, async ({ step }) => {
      entries++;
      let total = 0;
      for (let i = 0; i < 20; i++) total += await step.run(`s${i}`, () => i);
      return total;
    });
    await fairway.send({ name: "go" });
    await expect(fairway.waitForRun(await runOf(fairway, "straight"))).resolves.toBe(190);
    expect(entries).toBe(1);
    await fairway.close();
  });
});
