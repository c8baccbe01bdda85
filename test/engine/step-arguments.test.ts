import { describe, expect, it } from "vitest";
import type { StepTools } from "../../src/index.js";
import { makeFairway, storeKinds } from "./helpers.js";

const bad: Array<[string, (step: StepTools) => Promise<unknown>, string]> = [
  ["run with an empty id", (step) => step.run("", () => 1), "id:"],
  ["run with a number id", (step) => step.run(5 as never, () => 1), "id:"],
  ["run without an id", (step) => step.run(undefined as never, () => 1), "id:"],
  ["run with a body that is not a function", (step) => step.run("a", 5 as never), "fn:"],
  ["sleep without an id", (step) => step.sleep(undefined as never, "1s"), "id:"],
  [
    "sleep with a duration only (Inngest's step.sleep takes an id first)",
    (step) => (step.sleep as (id: string) => Promise<void>)("1s"),
    "duration: is missing: the first argument is the step id, the duration comes second",
  ],
  [
    "sleepUntil with a time only",
    (step) => (step.sleepUntil as (id: string) => Promise<void>)("2030-01-01"),
    "until: is missing: the first argument is the step id, the time comes second",
  ],
  ["waitForEvent without options", (step) => step.waitForEvent("w", undefined as never), "options:"],
  [
    "waitForEvent without an event name",
    (step) => step.waitForEvent("w", { timeout: "1h" } as never),
    "event:",
  ],
  [
    "waitForEvent with an empty event name",
    (step) => step.waitForEvent("w", { event: "", timeout: "1h" }),
    "event:",
  ],
  ["invoke without options", (step) => step.invoke("i", undefined as never), "options:"],
  ["invoke without a function", (step) => step.invoke("i", {} as never), "function:"],
  ["invoke with a number as function", (step) => step.invoke("i", { function: 5 as never }), "function:"],
];

describe.each(storeKinds)("step tool arguments (%s)", (kind) => {
  it.each(bad)(
    "%s fails the run at the first attempt with a ValidationError naming the field",
    async (_, call, field) => {
      const { fairway } = makeFairway(kind);
      let calls = 0;
      fairway.createFunction({ id: "f", retries: 2 }, { event: "e" }, async ({ step }) => {
        calls++;
        return call(step);
      });
      await fairway.send({ name: "e" });
      await fairway.idle();
      const run = (await fairway.listRuns({ functionId: "f" })).runs[0];
      expect(run?.status).toBe("failed");
      expect(run?.error?.name).toBe("ValidationError");
      expect(run?.error?.message).toMatch(/^step\.\w+\(.*\) is invalid: /);
      expect(run?.error?.message).toContain(field);
      expect(calls).toBe(1);
      await fairway.close();
    },
  );
});

const nestedCalls: Array<[string, (step: StepTools) => Promise<unknown>]> = [
  ["step.run", (step) => step.run("inner", () => 1)],
  ["step.sleep", (step) => step.sleep("inner", "1s")],
  ["step.waitForEvent", (step) => step.waitForEvent("inner", { event: "never", timeout: "1h" })],
  ["step.sendEvent", (step) => step.sendEvent("inner", { name: "x" })],
];

describe.each(storeKinds)("step tools called inside step.run (%s)", (kind) => {
  it.each(nestedCalls)(
    "%s fails the run at once with a ValidationError naming both steps",
    async (_, call) => {
      const { fairway, clock } = makeFairway(kind);
      let bodies = 0;
      fairway.createFunction({ id: "f", retries: 3 }, { event: "e" }, async ({ step }) => {
        await step.run("outer", async () => {
          bodies++;
          return call(step);
        });
        return "done";
      });
      const { ids } = await fairway.send({ name: "e" });
      expect(ids).toHaveLength(1);
      await fairway.idle();
      await clock.advance("2h");
      const { runs } = await fairway.listRuns({ functionId: "f" });
      const run = runs[0];
      expect(run?.status).toBe("failed");
      expect(run?.error?.name).toBe("ValidationError");
      expect(run?.error?.message).toContain('"inner"');
      expect(run?.error?.message).toContain('step.run("outer")');
      expect(bodies).toBe(1);
      // Nothing is left executing: close() returns.
      await fairway.close();
    },
  );

  it("parallel step.runs started from the handler are not nested", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "e" }, async ({ step }) =>
      Promise.all([step.run("a", async () => 1), step.run("b", async () => 2)]),
    );
    await fairway.send({ name: "e" });
    await fairway.idle();
    const { runs } = await fairway.listRuns({ functionId: "f" });
    expect(runs[0]?.status).toBe("completed");
    expect(runs[0]?.output).toEqual([1, 2]);
    await fairway.close();
  });
});
