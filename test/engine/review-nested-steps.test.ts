import { describe, expect, it } from "vitest";
import type { StepTools } from "../../src/index.js";
import { makeFairway, storeKinds } from "./helpers.js";
import { settle } from "./review-helpers.js";

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
      await settle();
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
    await settle();
    const { runs } = await fairway.listRuns({ functionId: "f" });
    expect(runs[0]?.status).toBe("completed");
    expect(runs[0]?.output).toEqual([1, 2]);
    await fairway.close();
  });
});
