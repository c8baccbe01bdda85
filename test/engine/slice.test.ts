import { afterEach, describe, expect, it } from "vitest";
import type { Fairway } from "../../src/index.js";
import { makeFairway, storeKinds } from "./helpers.js";

describe.each(storeKinds)("vertical slice on %s", (kind) => {
  let fairway: Fairway | undefined;
  afterEach(async () => {
    await fairway?.close();
  });

  it("send → run → step.run → completed", async () => {
    const made = makeFairway(kind);
    fairway = made.fairway;
    const calls: string[] = [];
    fairway.createFunction({ id: "greet" }, { event: "app/greet" }, async ({ event, step }) => {
      const a = await step.run("a", () => {
        calls.push("a");
        return `hello ${String(event.data.name)}`;
      });
      const b = await step.run("b", () => {
        calls.push("b");
        return a.length;
      });
      return { a, b };
    });
    const { ids } = await fairway.send({ name: "app/greet", data: { name: "Ada" } });
    expect(ids).toHaveLength(1);
    const { runs } = await fairway.listRuns({ functionId: "greet" });
    const runId = runs[0]?.id as string;
    await expect(fairway.waitForRun(runId)).resolves.toEqual({ a: "hello Ada", b: 9 });
    expect(calls).toEqual(["a", "b"]);
    const run = await fairway.getRun(runId);
    expect(run?.status).toBe("completed");
    expect(run?.eventIds).toEqual(ids);
    const steps = await fairway.getRunSteps(runId);
    expect(steps.map((step) => [step.id, step.status, step.output])).toEqual([
      ["a", "completed", "hello Ada"],
      ["b", "completed", 9],
    ]);
  });
});

describe.each(storeKinds)("sleep on %s", (kind) => {
  it("sleeps durably on the injected clock, then continues", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "nap" }, { event: "app/nap" }, async ({ step }) => {
      const before = await step.run("before", () => clock.now());
      await step.sleep("zz", "1h");
      const after = await step.run("after", () => clock.now());
      return after - before;
    });
    await fairway.send({ name: "app/nap" });
    await clock.advance(0);
    const { runs } = await fairway.listRuns({ functionId: "nap" });
    const runId = runs[0]?.id as string;
    expect((await fairway.getRun(runId))?.status).toBe("sleeping");
    await clock.advance("59m");
    expect((await fairway.getRun(runId))?.status).toBe("sleeping");
    await clock.advance("1m");
    await expect(fairway.waitForRun(runId)).resolves.toBe(60 * 60 * 1000);
    await fairway.close();
  });
});
