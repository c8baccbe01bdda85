import { describe, expect, it } from "vitest";
import type { StepTools } from "../../src/index.js";
import { makeFairway, storeKinds, yearLongStoreKinds } from "./helpers.js";

const DAY = 24 * 60 * 60 * 1000;

describe.each(storeKinds)("durations (pitfall R26) (%s)", (kind) => {
  /** Starts one run of `body`; returns the fairway, the clock and the run id once it settled. */
  async function start(body: (step: StepTools, now: number) => Promise<unknown>) {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "f", retries: 3 }, { event: "e" }, async ({ step }) => {
      await body(step, clock.now());
      return "done";
    });
    await fairway.send({ name: "e" });
    await fairway.idle();
    const { runs } = await fairway.listRuns({ functionId: "f" });
    return { fairway, clock, runId: runs[0]?.id as string };
  }

  it.each([
    [1, 1],
    [500, 500],
    [1500, 1500],
    ["1.5s", 1500],
    ["500ms", 500],
    ...(yearLongStoreKinds.includes(kind as never) ? [[365 * DAY, 365 * DAY] as [number, number]] : []),
  ])("sleep %j wakes after %i ms, not earlier", async (duration, wait) => {
    const { fairway, clock, runId } = await start((step) => step.sleep("s", duration));
    const [row] = await fairway.getRunSteps(runId);
    expect(row?.status).toBe("sleeping");
    expect(row?.wakeAt).toBe(clock.now() + wait);
    await clock.advance(wait - 1);
    expect((await fairway.getRun(runId))?.status).toBe("sleeping");
    await clock.advance(1);
    expect((await fairway.getRun(runId))?.status).toBe("completed");
  });

  it.each([0, "0", "0s", -5])("sleep %j resolves at once", async (duration) => {
    const { fairway, runId } = await start((step) => step.sleep("s", duration));
    expect((await fairway.getRun(runId))?.status).toBe("completed");
  });

  it("sleepUntil a past date resolves at once", async () => {
    const { fairway, runId } = await start((step, now) => step.sleepUntil("s", new Date(now - 1000)));
    expect((await fairway.getRun(runId))?.status).toBe("completed");
  });

  it.each<[string, (step: StepTools, now: number) => Promise<unknown>, string]>([
    ["sleep 365d + 1s", (step) => step.sleep("s", 365 * DAY + 1000), "duration"],
    ["sleep empty string", (step) => step.sleep("s", ""), "duration"],
    ["sleep blank string", (step) => step.sleep("s", " "), "duration"],
    ["sleep Infinity", (step) => step.sleep("s", Number.POSITIVE_INFINITY), "duration"],
    ["sleepUntil 365d + 1s ahead", (step, now) => step.sleepUntil("s", now + 365 * DAY + 1000), "until"],
    ["sleepUntil invalid date", (step) => step.sleepUntil("s", "not a date"), "until"],
    [
      "waitForEvent timeout empty string",
      (step) => step.waitForEvent("s", { event: "x", timeout: "" }),
      "timeout",
    ],
    [
      "waitForEvent timeout 366d",
      (step) => step.waitForEvent("s", { event: "x", timeout: "366d" }),
      "timeout",
    ],
  ])("%s fails the run once with a ValidationError naming the field", async (_, body, field) => {
    let calls = 0;
    const { fairway, runId } = await start((step, now) => {
      calls++;
      return body(step, now);
    });
    const run = await fairway.getRun(runId);
    expect(run?.status).toBe("failed");
    expect(run?.error?.name).toBe("ValidationError");
    expect(run?.error?.message).toContain(`${field}:`);
    expect(run?.error?.message).toContain('("s")');
    expect(calls).toBe(1);
  });

  it("an invoke timeout given as an empty string is a ValidationError naming the field", async () => {
    const { fairway } = makeFairway(kind);
    const child = fairway.createFunction({ id: "child" }, { event: "c" }, async () => 1);
    fairway.createFunction({ id: "f" }, { event: "e" }, async ({ step }) =>
      step.invoke("i", { function: child, timeout: "" }),
    );
    await fairway.send({ name: "e" });
    await fairway.idle();
    const { runs } = await fairway.listRuns({ functionId: "f" });
    expect(runs[0]?.status).toBe("failed");
    expect(runs[0]?.error?.name).toBe("ValidationError");
    expect(runs[0]?.error?.message).toContain('step.invoke("i") is invalid: timeout:');
  });
});
