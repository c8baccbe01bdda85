import { describe, expect, it } from "vitest";
import {
  ConfigError,
  NotFoundError,
  RunCancelledError,
  type RunEvent,
  type RunFilter,
  TimeoutError,
} from "../../src/index.js";
import { makeFairway, runOf, storeKinds } from "./helpers.js";

describe.each(storeKinds)("run API on %s", (kind) => {
  it("lists runs newest first, filtered, in pages", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "a" }, { event: "a" }, async () => "a");
    fairway.createFunction({ id: "b" }, { event: "b" }, async () => {
      throw new Error("b");
    });
    for (let i = 0; i < 5; i++) {
      await fairway.send({ name: "a", data: { i } });
      await clock.advance(10);
    }
    const start = clock.now();
    await fairway.send({ name: "b" });
    await clock.advance(0);
    const page1 = await fairway.listRuns({ functionId: "a", limit: 2 });
    expect(page1.runs.map((run) => run.event.data.i)).toEqual([4, 3]);
    const page2 = await fairway.listRuns({ functionId: "a", limit: 2, cursor: page1.nextCursor as string });
    expect(page2.runs.map((run) => run.event.data.i)).toEqual([2, 1]);
    const page3 = await fairway.listRuns({ functionId: "a", limit: 2, cursor: page2.nextCursor as string });
    expect(page3.runs.map((run) => run.event.data.i)).toEqual([0]);
    expect(page3.nextCursor).toBeUndefined();
    expect((await fairway.listRuns({ since: start })).runs.map((run) => run.functionId)).toEqual(["b"]);
    expect((await fairway.listRuns({ until: start })).runs).toHaveLength(5);
    expect((await fairway.listRuns({ status: "completed" })).runs).toHaveLength(5);
    await expect(fairway.listRuns({ limit: 0 })).rejects.toThrow(/limit/);
    await fairway.close();
  });

  it("cancels a sleeping run: no later step runs, waitForRun throws RunCancelledError", async () => {
    const { fairway, clock } = makeFairway(kind);
    const ran: string[] = [];
    fairway.createFunction({ id: "c" }, { event: "go" }, async ({ event, step }) => {
      await step.sleep("nap", "1h");
      await step.run("after", () => ran.push(String(event.data.n)));
    });
    for (const n of [1, 2, 3]) await fairway.send({ name: "go", data: { n } });
    await clock.advance(0);
    const runs = (await fairway.listRuns({ functionId: "c" })).runs;
    const second = runs.find((run) => run.event.data.n === 2)?.id as string;
    await fairway.cancelRun(second, "not needed");
    await clock.advance("1h");
    expect(ran.sort()).toEqual(["1", "3"]);
    const error = await fairway.waitForRun(second).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunCancelledError);
    expect((await fairway.getRun(second))?.cancelReason).toBe("not needed");
    await fairway.cancelRun(second);
    await expect(fairway.cancelRun("nope")).rejects.toBeInstanceOf(NotFoundError);
    await fairway.close();
  });

  it("cancelling a running run stops it before its next step", async () => {
    const { fairway } = makeFairway(kind);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started: () => void = () => {};
    const inFirst = new Promise<void>((resolve) => {
      started = resolve;
    });
    const ran: string[] = [];
    fairway.createFunction({ id: "c" }, { event: "go" }, async ({ step }) => {
      await step.run("first", async () => {
        ran.push("first");
        started();
        await gate;
      });
      await step.run("second", () => ran.push("second"));
    });
    await fairway.send({ name: "go" });
    const runId = await runOf(fairway, "c");
    await inFirst;
    await fairway.cancelRun(runId);
    release();
    await expect(fairway.waitForRun(runId)).rejects.toBeInstanceOf(RunCancelledError);
    await fairway.close();
    expect(ran).toEqual(["first"]);
  });

  it("reruns a run with the same events", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "r" }, { event: "go" }, async ({ event }) => event.data.n);
    const { ids } = await fairway.send({ name: "go", data: { n: 5 } });
    const first = await runOf(fairway, "r");
    await fairway.waitForRun(first);
    const { runId } = await fairway.rerun(first);
    expect(runId).not.toBe(first);
    await expect(fairway.waitForRun(runId)).resolves.toBe(5);
    expect((await fairway.getRun(runId))?.eventIds).toEqual(ids);
    await expect(fairway.rerun("missing")).rejects.toBeInstanceOf(NotFoundError);
    await fairway.close();
  });

  it("emits lifecycle notifications in order", async () => {
    const { fairway, clock } = makeFairway(kind);
    const seen: string[] = [];
    const off = fairway.onRunEvent((event: RunEvent) =>
      seen.push(event.stepId ? `${event.type}:${event.stepId}` : event.type),
    );
    fairway.createFunction({ id: "n" }, { event: "go" }, async ({ step }) => {
      await step.run("s", () => 1);
      await step.sleep("z", "1s");
      await step.waitForEvent("w", { event: "never", timeout: "1s" });
      return 1;
    });
    await fairway.send({ name: "go" });
    await clock.advance("1s");
    await clock.advance("1s");
    await fairway.waitForRun(await runOf(fairway, "n"));
    off();
    expect(seen).toEqual([
      "run.queued",
      "run.started",
      "step.completed:s",
      "run.sleeping",
      "step.completed:z",
      "run.waiting",
      "run.completed",
    ]);
    await fairway.close();
  });

  it("waitForRun times out on the engine clock", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "w" }, { event: "go" }, async ({ step }) => step.sleep("long", "1d"));
    await fairway.send({ name: "go" });
    const waiting = fairway
      .waitForRun(await runOf(fairway, "w"), { timeoutMs: 1000 })
      .catch((e: unknown) => e);
    await clock.advance(1000);
    expect(await waiting).toBeInstanceOf(TimeoutError);
    await expect(fairway.waitForRun("missing")).rejects.toBeInstanceOf(NotFoundError);
    await fairway.close();
  });

  it("functions() lists definitions with normalized config", () => {
    const { fairway } = makeFairway(kind);
    const fn = fairway.createFunction({ id: "f", onFailure: async () => {} }, { event: "go" }, async () => 1);
    expect(fn.config.retries).toBe(4);
    expect(fn.name).toBe("f");
    expect(fairway.functions().map((f) => f.id)).toEqual(["f", "f-failure"]);
    expect(() => fairway.createFunction({ id: "f" }, { event: "go" }, async () => 1)).toThrow(ConfigError);
  });
});

describe.each(storeKinds)("listRuns (%s)", (kind) => {
  it("pages are stable: every run once, newest first, while new runs arrive and times tie", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "e" }, async () => 1);
    for (let index = 0; index < 9; index++) {
      await fairway.send({ name: "e", data: { index } });
      if (index % 4 === 3) await clock.advance(1); // several runs share a createdAt
    }
    await fairway.idle();
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await fairway.listRuns({ functionId: "f", limit: 2, ...(cursor ? { cursor } : {}) });
      if (pages === 0) await fairway.send({ name: "e", data: { index: 99 } }); // newer: not in later pages
      seen.push(...page.runs.map((run) => run.event.data.index as number));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 20);
    expect(seen).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(pages).toBe(5);
    await fairway.close();
  });

  it.each<[string, RunFilter, string]>([
    ["an unknown status", { status: "done" as never }, "status"],
    ["a non-string functionId", { functionId: 5 as never }, "functionId"],
    ["a non-numeric since", { since: "yesterday" as never }, "since"],
    ["a NaN until", { until: Number.NaN }, "until"],
    ["limit 0", { limit: 0 }, "limit"],
    ["a foreign cursor", { cursor: "nonsense" }, "cursor"],
  ])("%s is a ValidationError naming the field", async (_, filter, field) => {
    const { fairway } = makeFairway(kind);
    const error = await fairway.listRuns(filter).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ValidationError" });
    expect((error as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toEqual([field]);
    await fairway.close();
  });
});
