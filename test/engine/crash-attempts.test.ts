/**
 * A process that dies inside a step has used an attempt of it: the next claim finds the attempt recorded
 * as `running` and counts it (in-process stand-in for a dead process: an engine that hangs in the step and
 * is never heard of again; a second engine on the same store takes over, as a restart would).
 */
import { describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("crash attempts", () => {
  it("records each attempt before its body, and a restart counts the interrupted one", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const dead = new Fairway({ id: "app", store, clock, logger: silent });
    dead.createFunction({ id: "f", retries: 1 }, { event: "go" }, async ({ step }) =>
      step.run("s", () => new Promise<never>(() => {})),
    );
    await dead.send({ name: "go", data: {} });
    await clock.advance(10);
    const runId = (await dead.listRuns({})).runs[0]?.id as string;
    expect((await store.getSteps(runId)).map((row) => [row.id, row.status, row.attempts])).toEqual([
      ["s", "running", 1],
    ]);

    const restarted = new Fairway({ id: "app", store, clock, logger: silent });
    restarted.createFunction({ id: "f", retries: 1 }, { event: "go" }, async ({ step }) =>
      step.run("s", () => "second attempt"),
    );
    await restarted.start();
    await expect(restarted.waitForRun(runId)).resolves.toBe("second attempt");
    const [row] = await store.getSteps(runId);
    expect(row).toMatchObject({ status: "completed", attempts: 2 });
    await restarted.close();
  });

  it("fails the step with a StepCrashedError the handler can catch once the attempts are spent", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const hang = async ({ step }: { step: { run: (id: string, body: () => unknown) => Promise<unknown> } }) =>
      step.run("s", () => new Promise<never>(() => {}));
    for (let crash = 0; crash < 2; crash++) {
      const engine = new Fairway({ id: "app", store, clock, logger: silent });
      engine.createFunction({ id: "f", retries: 1 }, { event: "go" }, hang);
      if (crash === 0) await engine.send({ name: "go", data: {} });
      else await engine.start();
      await clock.advance(10);
    }
    const runId = (await store.listRuns({})).runs[0]?.id as string;
    expect((await store.getSteps(runId))[0]).toMatchObject({ status: "running", attempts: 2 });
    const last = new Fairway({ id: "app", store, clock, logger: silent });
    last.createFunction({ id: "f", retries: 1 }, { event: "go" }, async ({ step }) => {
      try {
        await step.run("s", () => "never runs a third time");
      } catch (error) {
        return { caught: (error as Error & { error: { message: string; data?: unknown } }).error };
      }
    });
    await last.start();
    const output = (await last.waitForRun(runId)) as { caught: { message: string; data?: unknown } };
    expect(output.caught.message).toContain('Step "s" was interrupted 2 time(s) in a row');
    expect(output.caught.data).toEqual({ stepId: "s", attempts: 2, crashes: 2 });
    expect((await store.getSteps(runId))[0]).toMatchObject({ status: "failed", attempts: 2 });
    await last.close();
  });
});
