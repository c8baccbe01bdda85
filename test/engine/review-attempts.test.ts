import { describe, expect, it } from "vitest";
import { makeFairway, storeKinds } from "./helpers.js";
import { settle } from "./review-helpers.js";

describe.each(storeKinds)("attempts of steps and of the handler are counted apart (%s)", (kind) => {
  it("a flaky step's retries do not use up the retries of a later error outside steps", async () => {
    const { fairway } = makeFairway(kind);
    let stepCalls = 0;
    let outside = 0;
    const attempts: number[] = [];
    fairway.createFunction({ id: "f", retries: 2 }, { event: "e" }, async ({ step, attempt }) => {
      attempts.push(attempt);
      await step.run("flaky", () => {
        stepCalls++;
        if (stepCalls < 3) throw new Error("flaky");
        return "ok";
      });
      outside++;
      throw new Error("outside");
    });
    await fairway.send({ name: "e" });
    for (let turn = 0; turn < 10; turn++) await settle();
    const run = (await fairway.listRuns({ functionId: "f" })).runs[0];
    expect(stepCalls).toBe(3);
    expect(outside).toBe(3); // 1 + retries
    expect(run?.status).toBe("failed");
    expect(run?.error).toMatchObject({ name: "Error", message: "outside" });
    // step attempts 0, 1, 2 (the third succeeds, the handler fails: attempt 0 of the handler), then 1, 2
    expect(attempts).toEqual([0, 1, 2, 1, 2]);
    await fairway.close();
  });

  it("with retries: 20 a step gets 21 attempts", async () => {
    const { fairway } = makeFairway(kind);
    let calls = 0;
    fairway.createFunction({ id: "f", retries: 20 }, { event: "e" }, async ({ step }) =>
      step.run("a", () => {
        calls++;
        throw new Error("always");
      }),
    );
    await fairway.send({ name: "e" });
    for (let turn = 0; turn < 30; turn++) await settle();
    expect(calls).toBe(21);
    const run = (await fairway.listRuns({ functionId: "f" })).runs[0];
    expect(run?.status).toBe("failed");
    const [step] = await fairway.getRunSteps(run?.id as string);
    expect(step).toMatchObject({ status: "failed", attempts: 21 });
    await fairway.close();
  });
});
