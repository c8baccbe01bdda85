import { describe, expect, it } from "vitest";
import { makeFairway, storeKinds } from "./helpers.js";

describe.each(storeKinds)("waitForRun (%s)", (kind) => {
  it("a wait still pending when the engine closes rejects instead of hanging", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "e" }, async ({ step }) => {
      await step.sleep("nap", "1h");
      return "done";
    });
    await fairway.send({ name: "e" });
    await fairway.idle();
    const runId = (await fairway.listRuns({ functionId: "f" })).runs[0]?.id as string;
    const waiting = fairway.waitForRun(runId).then(
      () => "resolved",
      (error: unknown) => error,
    );
    await fairway.idle();
    await fairway.close();
    const outcome = await Promise.race([
      waiting,
      new Promise((resolve) => setTimeout(resolve, 1000, "hung")),
    ]);
    expect(outcome).toMatchObject({ name: "ConfigError" });
    expect((outcome as Error).message).toContain("closed");
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, "1s"])(
    "timeoutMs %s is a ValidationError naming timeoutMs",
    async (timeoutMs) => {
      const { fairway } = makeFairway(kind);
      fairway.createFunction({ id: "f" }, { event: "e" }, async ({ step }) => step.sleep("nap", "1h"));
      await fairway.send({ name: "e" });
      await fairway.idle();
      const runId = (await fairway.listRuns({ functionId: "f" })).runs[0]?.id as string;
      const error = await fairway
        .waitForRun(runId, { timeoutMs: timeoutMs as number })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: "ValidationError" });
      expect((error as Error).message).toContain("timeoutMs");
      await fairway.close();
    },
  );
});
