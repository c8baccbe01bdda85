import { describe, expect, it } from "vitest";
import { makeFairway, runOf, storeKinds, yearLongStoreKinds } from "./helpers.js";

const MB = 1024 * 1024;

describe.each(storeKinds)("size limits on %s", (kind) => {
  it("a step output just under 4 MB is stored; just over fails at once with a LimitError naming the step", async () => {
    const { fairway } = makeFairway(kind);
    let attempts = 0;
    fairway.createFunction({ id: "big" }, { event: "go" }, async ({ event, step }) =>
      step.run("blob", () => {
        attempts++;
        // devalue stores a string as ["<string>"]: 4 bytes of overhead.
        return "x".repeat(4 * MB - 4 + (event.data.extra as number));
      }),
    );
    await fairway.send({ name: "go", data: { extra: 0 } });
    const ok = await runOf(fairway, "big");
    expect(((await fairway.waitForRun(ok)) as string).length).toBe(4 * MB - 4);
    await fairway.send({ name: "go", data: { extra: 1 } });
    const { runs } = await fairway.listRuns({ functionId: "big", limit: 1 });
    const error = await fairway.waitForRun(runs[0]?.id as string).catch((e: unknown) => e);
    expect(error).toMatchObject({ error: { code: "limit_exceeded" } });
    expect((error as Error).message).toContain('step.run("blob")');
    expect(attempts).toBe(2);
    await fairway.close();
  });

  it("a run whose state passes 32 MB fails with a LimitError", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "state" }, { event: "go" }, async ({ step }) => {
      for (let i = 0; i < 9; i++) await step.run(`chunk${i}`, () => "y".repeat(4 * MB - 10));
      return "unreachable";
    });
    await fairway.send({ name: "go" });
    const error = await fairway.waitForRun(await runOf(fairway, "state")).catch((e: unknown) => e);
    expect(error).toMatchObject({ error: { code: "limit_exceeded" } });
    expect((error as Error).message).toContain("run state");
    expect((error as Error).message).toContain("chunk8");
    await fairway.close();
  });

  it.each([
    [0, 0],
    [1, 1],
    [500, 500],
    [1500, 1500],
    [-5, 0],
  ])("step.sleep(%d ms) wakes after %d ms on the clock", async (duration, expected) => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "s" }, { event: "go" }, async ({ step }) => {
      const start = await step.run("start", () => clock.now());
      await step.sleep("nap", duration);
      return clock.now() - start;
    });
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "s");
    await clock.advance(Math.max(0, expected - 1));
    if (expected > 1) expect((await fairway.getRun(runId))?.status).toBe("sleeping");
    await clock.advance(1);
    await expect(fairway.waitForRun(runId)).resolves.toBe(expected);
    await fairway.close();
  });

  // A year of fake time on PostgreSQL: see `yearLongStoreKinds`.
  if (yearLongStoreKinds.includes(kind as never)) {
    it("sleeps up to 365 days; longer fails at the step without retry; sleepUntil in the past resolves", async () => {
      const { fairway, clock } = makeFairway(kind);
      fairway.createFunction({ id: "long" }, { event: "go" }, async ({ event, step }) => {
        await step.sleepUntil("past", new Date(clock.now() - 1000));
        await step.sleep("long", event.data.d as string);
        return "woke";
      });
      await fairway.send({ name: "go", data: { d: "365d" } });
      const ok = await runOf(fairway, "long");
      await clock.advance("365d");
      await expect(fairway.waitForRun(ok)).resolves.toBe("woke");
      await fairway.send({ name: "go", data: { d: `${365 * 24 * 3600 + 1}s` } });
      const { runs } = await fairway.listRuns({ functionId: "long", limit: 1 });
      const error = await fairway.waitForRun(runs[0]?.id as string).catch((e: unknown) => e);
      expect(error).toMatchObject({ error: { code: "validation_failed" } });
      expect((await fairway.getRun(runs[0]?.id as string))?.attempt).toBe(0);
      await fairway.close();
    });
  }
});
