import { describe, expect, it } from "vitest";
import { FUNCTION_FAILED_EVENT, NonRetriableError, RunFailedError, StepError } from "../../src/index.js";
import { makeFairway, storeKinds } from "./helpers.js";

describe.each(storeKinds)("failures keep the original error (pitfall R25) (%s)", (kind) => {
  it.each([
    ["a step.run callback", "step", 1],
    ["the handler outside steps", "body", 1],
    ["a step.run callback, plain Error", "plain", 4],
  ] as const)("%s: attempts, stored error and cause, onFailure once", async (_, site, attempts) => {
    const { fairway } = makeFairway(kind);
    let calls = 0;
    const failures: Array<Record<string, unknown>> = [];
    fairway.createFunction(
      {
        id: "f",
        retries: 3,
        onFailure: ({ event }) => {
          failures.push(event.data);
        },
      },
      { event: "e" },
      async ({ step }) => {
        if (site === "body") {
          calls++;
          throw new NonRetriableError("no");
        }
        await step.run("a", () => {
          calls++;
          throw site === "step" ? new NonRetriableError("no") : new Error("no");
        });
      },
    );
    await fairway.send({ name: "e" });
    await fairway.idle();
    const { runs } = await fairway.listRuns({ functionId: "f" });
    const run = runs[0];
    expect(calls).toBe(attempts);
    expect(run?.status).toBe("failed");
    const original = site === "plain" ? "Error" : "NonRetriableError";
    const expected =
      site === "body"
        ? { name: "NonRetriableError", code: "non_retriable", message: "no" }
        : {
            name: "StepError",
            code: "step_failed",
            message: 'Step "a" failed: no',
            cause: expect.objectContaining({ name: original, message: "no" }),
          };
    expect(run?.error).toMatchObject(expected);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ function_id: "f", run_id: run?.id, error: expected });
    if (site === "step") expect(run?.error?.cause?.code).toBe("non_retriable");

    const thrown = await fairway.waitForRun(run?.id as string).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(RunFailedError);
    expect((thrown as RunFailedError).error).toMatchObject(expected);
    await fairway.close();
  });

  it("a caught StepError's cause is the step's original error", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "e" }, async ({ step }) => {
      try {
        await step.run("a", () => {
          throw new NonRetriableError("inner", { cause: new TypeError("root") });
        });
      } catch (error) {
        expect(error).toBeInstanceOf(StepError);
        return (error as StepError).error;
      }
    });
    await fairway.send({ name: "e" });
    await fairway.idle();
    const { runs } = await fairway.listRuns({ functionId: "f" });
    expect(runs[0]?.output).toMatchObject({
      name: "NonRetriableError",
      message: "inner",
      cause: { name: "TypeError", message: "root" },
    });
    await fairway.close();
  });

  it("the failure event is internal: senders cannot forge it", async () => {
    const { fairway } = makeFairway(kind);
    await expect(fairway.send({ name: FUNCTION_FAILED_EVENT, data: {} })).rejects.toMatchObject({
      name: "ValidationError",
    });
    await fairway.close();
  });
});
