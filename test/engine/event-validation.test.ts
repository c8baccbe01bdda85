import { describe, expect, it } from "vitest";
import { makeFairway, storeKinds } from "./helpers.js";

describe.each(storeKinds)("event data is JSON on every store (%s)", (kind) => {
  it("a Date becomes its ISO string and undefined fields are dropped, as over the HTTP API", async () => {
    const { fairway } = makeFairway(kind);
    const seen: unknown[] = [];
    fairway.createFunction({ id: "f" }, { event: "e" }, async ({ event }) => {
      seen.push(event.data);
      return event.data;
    });
    const at = new Date(Date.UTC(2030, 0, 2));
    await fairway.send({ name: "e", data: { at, nested: { list: [at] }, gone: undefined } });
    await fairway.idle();
    const expected = { at: at.toISOString(), nested: { list: [at.toISOString()] } };
    expect(seen).toEqual([expected]);
    expect(Object.keys(seen[0] as object)).toEqual(["at", "nested"]);
    const { runs } = await fairway.listRuns({ functionId: "f" });
    expect(runs[0]?.event.data).toEqual(expected);
    expect(runs[0]?.output).toEqual(expected);
    await fairway.close();
  });

  it("the data a sender keeps is not changed by sending it", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "e" }, async () => 1);
    const at = new Date(0);
    const data = { at };
    await fairway.send({ name: "e", data });
    expect(data.at).toBe(at);
    await fairway.close();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a BigInt", { n: 1n }, "data.n"],
    ["a function", { nested: { f: () => 1 } }, "data.nested.f"],
    ["a symbol", { list: [1, Symbol("s")] }, "data.list[1]"],
    ["NaN", { x: Number.NaN }, "data.x"],
    ["Infinity", { x: Number.POSITIVE_INFINITY }, "data.x"],
  ])("%s in data is a ValidationError naming its path; nothing is stored", async (_, data, path) => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "e" }, async () => 1);
    const error = await fairway.send({ name: "e", data }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ValidationError", code: "validation_failed" });
    expect((error as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toEqual([path]);
    const batch = await fairway.send([{ name: "e" }, { name: "e", data }]).catch((caught: unknown) => caught);
    expect((batch as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toEqual([
      `[1].${path}`,
    ]);
    expect((await fairway.listRuns({})).runs).toHaveLength(0);
    await fairway.close();
  });

  it("a cycle in data is a ValidationError naming where it closes", async () => {
    const { fairway } = makeFairway(kind);
    const data: Record<string, unknown> = { a: {} };
    (data.a as Record<string, unknown>).back = data;
    const error = await fairway.send({ name: "e", data }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ValidationError" });
    expect((error as { issues: Array<{ path: string }> }).issues[0]?.path).toBe("data.a.back");
    await fairway.close();
  });

  it("data nested 128 levels is accepted; 129 levels or 100k levels is a ValidationError, not a stack overflow", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "e" }, async () => 1);
    const nest = (levels: number) => {
      let data: Record<string, unknown> = {};
      for (let level = 1; level < levels; level++) data = { d: data };
      return data;
    };
    await expect(fairway.send({ name: "e", data: nest(128) })).resolves.toMatchObject({
      ids: [expect.any(String)],
    });
    for (const levels of [129, 100_000]) {
      const error = await fairway.send({ name: "e", data: nest(levels) }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: "ValidationError", code: "validation_failed" });
      expect((error as { issues: Array<{ path: string; message: string }> }).issues).toEqual([
        { path: `data${".d".repeat(128)}`, message: "must nest at most 128 levels of objects and arrays" },
      ]);
    }
    await fairway.close();
  });

  it("the same object twice (not a cycle) is fine", async () => {
    const { fairway } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "e" }, async ({ event }) => event.data);
    const shared = { k: 1 };
    await fairway.send({ name: "e", data: { a: shared, b: shared } });
    await fairway.idle();
    const { runs } = await fairway.listRuns({ functionId: "f" });
    expect(runs[0]?.output).toEqual({ a: { k: 1 }, b: { k: 1 } });
    await fairway.close();
  });

  it("events in one batch with the same id start one run per function (pitfall R29)", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "e" }, async () => 1);
    const { ids } = await fairway.send([
      { name: "e", id: "same" },
      { name: "e", id: "same" },
    ]);
    expect(ids).toHaveLength(2);
    await Promise.all([1, 2, 3].map(() => fairway.send({ name: "e", id: "same" })));
    await fairway.idle();
    expect((await fairway.listRuns({ functionId: "f" })).runs).toHaveLength(1);
    await clock.advance(24 * 60 * 60 * 1000 + 1000);
    await fairway.send({ name: "e", id: "same" });
    await fairway.idle();
    expect((await fairway.listRuns({ functionId: "f" })).runs).toHaveLength(2);
    await fairway.close();
  });
});

describe.each(storeKinds)("step.invoke data is JSON like an event's (%s)", (kind) => {
  it("a Date arrives as its ISO string; a BigInt fails the parent with a ValidationError", async () => {
    const { fairway } = makeFairway(kind);
    const child = fairway.createFunction({ id: "child" }, { event: "c" }, async ({ event }) => event.data);
    fairway.createFunction({ id: "parent" }, { event: "p" }, async ({ event, step }) =>
      step.invoke("i", { function: child, data: { at: new Date(0), n: event.data.big ? 1n : 1 } }),
    );
    await fairway.send({ name: "p", data: { big: false } });
    await fairway.idle();
    await fairway.idle();
    const ok = (await fairway.listRuns({ functionId: "parent" })).runs[0];
    expect(ok?.status).toBe("completed");
    expect(ok?.output).toEqual({ at: new Date(0).toISOString(), n: 1 });

    await fairway.send({ name: "p", data: { big: true } });
    await fairway.idle();
    const bad = (await fairway.listRuns({ functionId: "parent" })).runs[0];
    expect(bad?.status).toBe("failed");
    expect(bad?.error).toMatchObject({ name: "ValidationError" });
    expect(bad?.error?.message).toContain("data.n");
    expect((await fairway.listRuns({ functionId: "child" })).runs).toHaveLength(1);
    await fairway.close();
  });
});
