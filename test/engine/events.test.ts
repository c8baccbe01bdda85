import { describe, expect, it } from "vitest";
import { LimitError, ValidationError } from "../../src/index.js";
import { makeFairway, runOf, storeKinds } from "./helpers.js";

describe.each(storeKinds)("events on %s", (kind) => {
  it("returns ULID ids in order and fans out to every matching function", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "one" }, { event: "user/signup" }, async () => "one");
    fairway.createFunction(
      { id: "two", triggers: [{ event: "user/signup" }, { event: "user/other" }] },
      async () => "two",
    );
    fairway.createFunction({ id: "none" }, { event: "unrelated" }, async () => "none");
    const { ids } = await fairway.send([
      { name: "user/signup", data: {} },
      { name: "user/other", data: {} },
    ]);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect((ids[0] as string) < (ids[1] as string)).toBe(true);
    expect((await fairway.listRuns({ functionId: "one" })).runs).toHaveLength(1);
    expect((await fairway.listRuns({ functionId: "two" })).runs).toHaveLength(2);
    expect((await fairway.listRuns({ functionId: "none" })).runs).toHaveLength(0);
    await fairway.close();
  });

  it("applies a trigger's CEL `if` to the event", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction(
      { id: "big" },
      { event: "order", if: "event.data.total > 100" },
      async () => "big",
    );
    await fairway.send([
      { name: "order", data: { total: 50 } },
      { name: "order", data: { total: 500 } },
      { name: "order", data: {} },
    ]);
    const { runs } = await fairway.listRuns({ functionId: "big" });
    expect(runs.map((run) => run.event.data.total)).toEqual([500]);
    await fairway.close();
  });

  it("dedups a sender's id per function for 24 h, sequential and concurrent", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "a" }, { event: "e" }, async () => "a");
    fairway.createFunction({ id: "b" }, { event: "e" }, async () => "b");
    for (let i = 0; i < 3; i++) await fairway.send({ name: "e", id: "same" });
    await Promise.all([1, 2, 3].map(() => fairway.send({ name: "e", id: "same" })));
    expect((await fairway.listRuns({ functionId: "a" })).runs).toHaveLength(1);
    expect((await fairway.listRuns({ functionId: "b" })).runs).toHaveLength(1);
    await fairway.send({ name: "e", id: "other" });
    expect((await fairway.listRuns({ functionId: "a" })).runs).toHaveLength(2);
    await clock.advance(24 * 60 * 60 * 1000 - 1);
    await fairway.send({ name: "e", id: "same" });
    expect((await fairway.listRuns({ functionId: "a" })).runs).toHaveLength(2);
    await clock.advance(1);
    await fairway.send({ name: "e", id: "same" });
    expect((await fairway.listRuns({ functionId: "a" })).runs).toHaveLength(3);
    await fairway.close();
  });

  it("the handler sees the sender's id and ts", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "echo" }, { event: "e" }, async ({ event, events }) => ({
      event,
      count: events.length,
    }));
    const ts = clock.now() - 5000;
    await fairway.send({ name: "e", data: { x: 1 }, id: "mine", ts, v: "2" });
    const output = await fairway.waitForRun(await runOf(fairway, "echo"));
    expect(output).toEqual({ event: { name: "e", data: { x: 1 }, id: "mine", ts, v: "2" }, count: 1 });
    await fairway.close();
  });

  it("a future ts delays the run until then", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "later" }, { event: "e" }, async () => clock.now());
    const at = clock.now() + 60_000;
    await fairway.send({ name: "e", ts: at });
    const runId = await runOf(fairway, "later");
    await clock.advance(59_999);
    expect((await fairway.getRun(runId))?.status).toBe("queued");
    await clock.advance(1);
    await expect(fairway.waitForRun(runId)).resolves.toBe(at);
    await fairway.close();
  });

  it("rejects bad events with errors naming each field, storing nothing", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "ok" }, async () => 1);
    const error = await fairway
      .send([{ name: "ok" }, { name: "", data: [] as never }, { name: "ok", ts: -1, extra: 1 } as never])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
      "[1].name",
      "[1].data",
      "[2].extra",
      "[2].ts",
    ]);
    expect((await fairway.listRuns({})).runs).toHaveLength(0);
    await expect(fairway.send({ name: "fairway/function.failed" })).rejects.toThrow(/reserved/);
    await expect(fairway.send([])).rejects.toBeInstanceOf(ValidationError);
    await fairway.close();
  });

  it("rejects an event over 512 KB with a LimitError; one just under is accepted", async () => {
    const { fairway } = makeFairway(kind);
    const overhead = JSON.stringify({ name: "big", data: { s: "" } }).length;
    const fits = { name: "big", data: { s: "x".repeat(512 * 1024 - overhead) } };
    await expect(fairway.send(fits)).resolves.toMatchObject({ ids: [expect.any(String)] });
    const over = { name: "big", data: { s: "x".repeat(512 * 1024 - overhead + 1) } };
    await expect(fairway.send(over)).rejects.toBeInstanceOf(LimitError);
    await fairway.close();
  });

  it("fires cron triggers on the clock with event fairway/scheduled.timer", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "tick" }, { cron: "*/5 * * * *" }, async ({ event }) => event.name);
    await fairway.start();
    await clock.advance("16m");
    const { runs } = await fairway.listRuns({ functionId: "tick" });
    expect(runs).toHaveLength(3);
    expect(runs.map((run) => run.status)).toEqual(["completed", "completed", "completed"]);
    expect(runs[0]?.event).toMatchObject({ name: "fairway/scheduled.timer", data: { cron: "*/5 * * * *" } });
    await fairway.close();
  });
});
