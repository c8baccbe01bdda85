import { describe, expect, it } from "vitest";
import { NonRetriableError, RetryAfterError, StepError } from "../../src/index.js";
import { makeFairway, runOf, storeKinds } from "./helpers.js";

const sites = ["step", "handler"] as const;

describe.each(storeKinds)("retries on %s", (kind) => {
  it.each(sites)(
    "a plain Error thrown in the %s gets 5 attempts by default, then fails the run",
    async (site) => {
      const { fairway } = makeFairway(kind);
      let attempts = 0;
      let failures = 0;
      fairway.createFunction(
        {
          id: "flaky",
          onFailure: async () => {
            failures++;
          },
        },
        { event: "go" },
        async ({ step }) => {
          if (site === "handler") {
            attempts++;
            throw new Error("boom");
          }
          return step.run("s", () => {
            attempts++;
            throw new Error("boom");
          });
        },
      );
      await fairway.send({ name: "go" });
      const runId = await runOf(fairway, "flaky");
      await expect(fairway.waitForRun(runId)).rejects.toThrow(/boom/);
      expect(attempts).toBe(5);
      const failureRun = await runOf(fairway, "flaky-failure");
      await fairway.waitForRun(failureRun);
      expect(failures).toBe(1);
      await fairway.close();
    },
  );

  it.each(sites)("NonRetriableError in the %s fails at once and runs onFailure once", async (site) => {
    const { fairway } = makeFairway(kind);
    let attempts = 0;
    const seen: unknown[] = [];
    fairway.createFunction(
      {
        id: "nr",
        retries: 3,
        onFailure: async ({ event }) => {
          seen.push(event.data.run_id);
        },
      },
      { event: "go" },
      async ({ step }) => {
        if (site === "handler") {
          attempts++;
          throw new NonRetriableError("nope");
        }
        return step.run("s", () => {
          attempts++;
          throw new NonRetriableError("nope");
        });
      },
    );
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "nr");
    const failed = await fairway.waitForRun(runId).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: "run_failed" });
    expect(attempts).toBe(1);
    await fairway.waitForRun(await runOf(fairway, "nr-failure"));
    expect(seen).toEqual([runId]);
    await fairway.close();
  });

  it("a step failing for good throws a catchable StepError into the handler, on replay too", async () => {
    const { fairway, clock } = makeFairway(kind);
    let bodyRuns = 0;
    fairway.createFunction({ id: "catch", retries: 1 }, { event: "go" }, async ({ step }) => {
      let caught: unknown;
      try {
        await step.run("bad", () => {
          bodyRuns++;
          throw new TypeError("bad input");
        });
      } catch (error) {
        caught = error;
      }
      await step.sleep("later", "1s");
      return {
        isStepError: caught instanceof StepError,
        stepId: (caught as StepError).stepId,
        name: (caught as StepError).error.name,
      };
    });
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "catch");
    await clock.advance("1s");
    await expect(fairway.waitForRun(runId)).resolves.toEqual({
      isStepError: true,
      stepId: "bad",
      name: "TypeError",
    });
    expect(bodyRuns).toBe(2);
    const steps = await fairway.getRunSteps(runId);
    expect(steps[0]).toMatchObject({ id: "bad", status: "failed", attempts: 2 });
    await fairway.close();
  });

  it("backs off by the table plus jitter, scaled by retryBackoffScale", async () => {
    const { fairway, clock } = makeFairway(kind, { retryBackoffScale: 1 });
    const times: number[] = [];
    fairway.createFunction({ id: "backoff", retries: 2 }, { event: "go" }, async ({ step, attempt }) =>
      step.run("s", () => {
        times.push(clock.now());
        if (attempt < 2) throw new Error("again");
        return attempt;
      }),
    );
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "backoff");
    await clock.advance(0);
    expect(times).toHaveLength(1);
    await clock.advance(14_999);
    expect(times).toHaveLength(1);
    expect((await fairway.getRun(runId))?.status).toBe("queued");
    await clock.advance(30_001);
    expect(times).toHaveLength(2);
    await clock.advance(60_000);
    await expect(fairway.waitForRun(runId)).resolves.toBe(2);
    const [first = 0, second = 0, third = 0] = times;
    expect(second - first).toBeGreaterThanOrEqual(15_000);
    expect(second - first).toBeLessThanOrEqual(45_000);
    expect(third - second).toBeGreaterThanOrEqual(30_000);
    expect(third - second).toBeLessThanOrEqual(60_000);
    await fairway.close();
  });

  it("RetryAfterError sets the delay, clamped to at least 1 s", async () => {
    const { fairway, clock } = makeFairway(kind, { retryBackoffScale: 1 });
    const times: number[] = [];
    fairway.createFunction({ id: "ra" }, { event: "go" }, async ({ step }) =>
      step.run("s", () => {
        times.push(clock.now());
        if (times.length === 1) throw new RetryAfterError("slow down", "2m");
        if (times.length === 2) throw new RetryAfterError("again", 10);
        return "ok";
      }),
    );
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "ra");
    await clock.advance(119_999);
    expect(times).toHaveLength(1);
    await clock.advance(1);
    expect(times).toHaveLength(2);
    await clock.advance(999);
    expect(times).toHaveLength(2);
    await clock.advance(1);
    await expect(fairway.waitForRun(runId)).resolves.toBe("ok");
    await fairway.close();
  });

  it("errors outside steps replay the handler without re-running completed steps", async () => {
    const { fairway } = makeFairway(kind);
    let stepRuns = 0;
    let handlerRuns = 0;
    fairway.createFunction({ id: "outside" }, { event: "go" }, async ({ step, attempt }) => {
      handlerRuns++;
      const value = await step.run("once", () => ++stepRuns);
      if (attempt < 2) throw new Error("flaky handler");
      return { value, attempt };
    });
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "outside");
    await expect(fairway.waitForRun(runId)).resolves.toEqual({ value: 1, attempt: 2 });
    expect(stepRuns).toBe(1);
    expect(handlerRuns).toBe(3);
    await fairway.close();
  });

  it("retries: 0 means one attempt", async () => {
    const { fairway } = makeFairway(kind);
    let attempts = 0;
    fairway.createFunction({ id: "zero", retries: 0 }, { event: "go" }, async ({ step }) =>
      step.run("s", () => {
        attempts++;
        throw new Error("x");
      }),
    );
    await fairway.send({ name: "go" });
    await expect(fairway.waitForRun(await runOf(fairway, "zero"))).rejects.toThrow(/x/);
    expect(attempts).toBe(1);
    await fairway.close();
  });
});

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
    await fairway.idle();
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
    await fairway.idle();
    expect(calls).toBe(21);
    const run = (await fairway.listRuns({ functionId: "f" })).runs[0];
    expect(run?.status).toBe("failed");
    const [step] = await fairway.getRunSteps(run?.id as string);
    expect(step).toMatchObject({ status: "failed", attempts: 21 });
    await fairway.close();
  });
});
