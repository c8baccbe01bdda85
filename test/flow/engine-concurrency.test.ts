import { describe, expect, it } from "vitest";
import { makeFairway, storeKinds } from "../engine/helpers.js";
import { eventsFor, gatedHandler, sharedKeyPair, statuses } from "./engine-helpers.js";

describe.each(storeKinds)("concurrency through the engine (%s store)", (kind) => {
  it.each([1, 5, 9, 10, 11])("per-key limit %i: two keys get separate budgets", async (limit) => {
    const { fairway, clock } = makeFairway(kind);
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "f", concurrency: { limit, key: "event.data.user" } },
      { event: "e" },
      gate.handler,
    );
    await fairway.send([...eventsFor("e", "a", limit + 3), ...eventsFor("e", "b", limit + 3)]);
    await clock.advance(0);
    expect(gate.activeOf("a")).toBe(limit);
    expect(gate.activeOf("b")).toBe(limit);
    expect(fairway.flowState("f")).toEqual([
      { functionId: "f", key: "a", queued: 3, running: limit, throttled: 0 },
      { functionId: "f", key: "b", queued: 3, running: limit, throttled: 0 },
    ]);
    while (gate.active() > 0) {
      gate.release();
      await clock.advance(0);
    }
    expect(gate.peakOf("a")).toBe(limit);
    expect(gate.peakOf("b")).toBe(limit);
    expect(await statuses(fairway, "f")).toEqual(Array(2 * (limit + 3)).fill("completed"));
    expect(fairway.flowState("f")).toEqual([]);
    await fairway.close();
  });

  it.each([1, 5, 9, 10, 11])("function limit %i together with a per-key limit of 2", async (limit) => {
    const { fairway, clock } = makeFairway(kind);
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "f", concurrency: [{ limit }, { limit: 2, key: "event.data.user" }] },
      { event: "e" },
      gate.handler,
    );
    const users = ["a", "b", "c", "d", "e", "f", "g"];
    await fairway.send(users.flatMap((user) => eventsFor("e", user, 4)));
    await clock.advance(0);
    expect(gate.active()).toBe(Math.min(limit, 2 * users.length));
    while (gate.active() > 0) {
      gate.release();
      await clock.advance(0);
      expect(gate.active()).toBeLessThanOrEqual(limit);
    }
    expect(gate.peak).toBe(Math.min(limit, 14));
    for (const user of users) expect(gate.peakOf(user)).toBeLessThanOrEqual(2);
    expect(await statuses(fairway, "f")).toEqual(Array(28).fill("completed"));
    await fairway.close();
  });
});

describe("concurrency semantics", () => {
  it("a sleeping run holds no slot", async () => {
    const { fairway, clock } = makeFairway("memory");
    const order: string[] = [];
    fairway.createFunction({ id: "f", concurrency: 1 }, { event: "e" }, async ({ event, step }) => {
      order.push(`start ${event.data.name}`);
      if (event.data.name === "sleeper") await step.sleep("nap", "1h");
      order.push(`end ${event.data.name}`);
    });
    await fairway.send([
      { name: "e", data: { name: "sleeper" } },
      { name: "e", data: { name: "other" } },
    ]);
    await clock.advance(0);
    expect(order).toEqual(["start sleeper", "start other", "end other"]);
    await clock.advance("1h");
    expect(order.slice(3)).toEqual(["start sleeper", "end sleeper"]);
    await fairway.close();
  });

  it("a run waiting for an event or backing off before a retry holds no slot", async () => {
    const { fairway, clock } = makeFairway("memory", { retryBackoffScale: 1 });
    const done: string[] = [];
    let failures = 0;
    fairway.createFunction({ id: "f", concurrency: 1 }, { event: "e" }, async ({ event, step }) => {
      if (event.data.kind === "wait") await step.waitForEvent("w", { event: "go", timeout: "1h" });
      if (event.data.kind === "retry") {
        await step.run("flaky", () => {
          failures += 1;
          if (failures === 1) throw new Error("first attempt fails");
        });
      }
      done.push(String(event.data.kind));
    });
    await fairway.send([
      { name: "e", data: { kind: "wait" } },
      { name: "e", data: { kind: "retry" } },
      { name: "e", data: { kind: "plain" } },
    ]);
    await clock.advance(0);
    expect(done).toEqual(["plain"]);
    expect(failures).toBe(1);
    await fairway.send({ name: "go", data: {} });
    await clock.advance(0);
    expect(done).toEqual(["plain", "wait"]);
    await clock.advance("2m");
    expect(done).toEqual(["plain", "wait", "retry"]);
    await fairway.close();
  });

  it.each(storeKinds)(
    "a key that is missing or null falls into the shared __null__ key, recorded on the run (%s)",
    async (kind) => {
      const { fairway, clock } = makeFairway(kind);
      const gate = gatedHandler();
      fairway.createFunction(
        { id: "f", concurrency: { limit: 1, key: "event.data.user" } },
        { event: "e" },
        gate.handler,
      );
      await fairway.send([
        { name: "e", data: {} },
        { name: "e", data: { user: null } },
        { name: "e", data: { user: "a" } },
        { name: "e", data: { user: "b" } },
      ]);
      await clock.advance(0);
      expect(gate.active()).toBe(3);
      const { runs } = await fairway.listRuns({ functionId: "f" });
      expect(runs.map((run) => run.concurrencyKeys?.[0]).sort()).toEqual(["__null__", "__null__", "a", "b"]);
      expect(fairway.flowState("f").find((row) => row.key === "__null__")).toMatchObject({
        queued: 1,
        running: 1,
      });
      const nullRuns = await fairway.listRuns({ functionId: "f", concurrencyKey: "__null__" });
      expect(nullRuns.runs).toHaveLength(2);
      for (const run of nullRuns.runs) {
        expect(run.warnings).toEqual([
          expect.stringMatching(/^concurrency\[0\]\.key: "event\.data\.user" (failed|is null)/),
        ]);
      }
      expect(runs.filter((run) => run.warnings === undefined)).toHaveLength(2);
      await gate.drain(() => clock.advance(0));
      expect(gate.peakOf("")).toBe(1);
      await fairway.close();
    },
  );

  it("a light tenant starts at the next free slot, ahead of a heavy tenant's backlog", async () => {
    const { fairway, clock } = makeFairway("memory");
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "f", concurrency: [{ limit: 4 }, { limit: 4, key: "event.data.user" }] },
      { event: "e" },
      gate.handler,
    );
    await fairway.send(eventsFor("e", "heavy", 200));
    await clock.advance(0);
    await fairway.send(eventsFor("e", "light", 2));
    await clock.advance(0);
    expect(gate.activeOf("light")).toBe(0);
    gate.release();
    await clock.advance(0);
    expect(gate.activeOf("light")).toBe(1);
    gate.release();
    await clock.advance(0);
    expect(gate.activeOf("heavy")).toBe(3);
    gate.release();
    await clock.advance(0);
    expect(gate.activeOf("light")).toBe(2);
    await gate.drain(() => clock.advance(0));
    expect(await statuses(fairway, "f")).toEqual(Array(202).fill("completed"));
    await fairway.close();
  });

  it("orders a backlog by creation time minus clamped priority (R31)", async () => {
    const { fairway, clock } = makeFairway("memory");
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "f", concurrency: 1, priority: { run: "event.data.p" } },
      { event: "e" },
      async (context) => {
        await gate.handler(context);
        return context.event.data.name;
      },
    );
    await fairway.send({ name: "e", data: { name: "first", p: 0 } });
    await clock.advance(0);
    const values: Array<[string, unknown]> = [
      ["huge", 1e9],
      ["tiny", -1e9],
      ["text", "abc"],
      ["null", null],
      ["thirty", 30],
      ["zero", 0],
    ];
    for (const [name, p] of values) {
      await fairway.send({ name: "e", data: { name, p } });
      await clock.advance(1);
    }
    const order: string[] = [];
    fairway.onRunEvent((event) => {
      if (event.type === "run.started") order.push(event.runId);
    });
    while (gate.active() > 0) {
      gate.release();
      await clock.advance(0);
    }
    const { runs } = await fairway.listRuns({ functionId: "f" });
    const nameOf = new Map(runs.map((run) => [run.id, run.event.data.name]));
    expect(order.map((id) => nameOf.get(id))).toEqual(["huge", "thirty", "text", "null", "zero", "tiny"]);
    expect(runs.every((run) => run.status === "completed")).toBe(true);
    await fairway.close();
  });
});

describe("concurrency keys and resumes", () => {
  it("two keyed limits (user 1, org 2): a run blocked by the second key starts when that key frees", async () => {
    const { fairway, clock } = makeFairway("memory");
    const gate = gatedHandler();
    fairway.createFunction(
      {
        id: "f",
        concurrency: [
          { limit: 1, key: "event.data.user" },
          { limit: 2, key: "event.data.org" },
        ],
      },
      { event: "e" },
      gate.handler,
    );
    const ev = (user: string, org: string) => ({ name: "e", data: { user, org } });
    await fairway.send([ev("u1", "o1"), ev("u2", "o1"), ev("u3", "o1"), ev("u1", "o2"), ev("u4", "o2")]);
    await clock.advance(0);
    const { runs } = await fairway.listRuns({ functionId: "f" });
    const label = new Map(runs.map((r) => [r.id, `${r.events[0]?.data.user}/${r.events[0]?.data.org}`]));
    const active = () =>
      gate
        .activeIds()
        .map((id) => label.get(id))
        .sort();
    expect(active()).toEqual(["u1/o1", "u2/o1", "u4/o2"]);
    const u2 = gate.activeIds().find((id) => label.get(id) === "u2/o1")!;
    gate.release(u2);
    await clock.advance(0);
    expect(active()).toEqual(["u1/o1", "u3/o1", "u4/o2"]);
    const u1 = gate.activeIds().find((id) => label.get(id) === "u1/o1")!;
    gate.release(u1);
    await clock.advance(0);
    expect(active()).toEqual(["u1/o2", "u3/o1", "u4/o2"]);
    await gate.drain(() => clock.advance(0));
    expect(await statuses(fairway, "f")).toEqual(Array(5).fill("completed"));
    await fairway.close();
  });

  it("env scope shared by two functions of one app, each with its own limit", async () => {
    const { fairway, clock } = makeFairway("memory");
    const gate = gatedHandler();
    sharedKeyPair(fairway, "env", [2, 2], gate.handler);
    await fairway.send([
      { name: "ea", data: { user: "x" } },
      { name: "eb", data: { user: "x" } },
      { name: "eb", data: { user: "x" } },
      { name: "ea", data: { user: "y" } },
    ]);
    await clock.advance(0);
    expect(gate.activeOf("x")).toBe(2);
    expect(gate.activeOf("y")).toBe(1);
    const rows = [...fairway.flowState("a"), ...fairway.flowState("b")];
    expect(rows.reduce((s, r) => s + r.running, 0)).toBe(3);
    expect(rows.reduce((s, r) => s + r.queued, 0)).toBe(1);
    gate.release();
    await clock.advance(0);
    expect(gate.activeOf("x")).toBe(2);
    await gate.drain(() => clock.advance(0));
    expect(await statuses(fairway, "b")).toEqual(["completed", "completed"]);
    await fairway.close();
  });

  it("resumes go before new starts under a full limit", async () => {
    const { fairway, clock } = makeFairway("memory");
    const order: string[] = [];
    const gate = gatedHandler();
    fairway.createFunction({ id: "f", concurrency: 1 }, { event: "e" }, async (ctx) => {
      const { event, step } = ctx;
      if (event.data.kind === "sleeper") {
        order.push("sleeper 1");
        await step.sleep("s", "1s");
        order.push("sleeper 2");
        return;
      }
      order.push(`new ${event.data.i}`);
      await gate.handler(ctx);
    });
    await fairway.send({ name: "e", data: { kind: "sleeper" } });
    await clock.advance(0);
    await fairway.send([
      { name: "e", data: { i: 1 } },
      { name: "e", data: { i: 2 } },
    ]);
    await clock.advance("1s");
    expect(order).toEqual(["sleeper 1", "new 1"]);
    gate.release();
    await clock.advance(0);
    // the sleeper replays its code before the sleep, then continues
    expect(order).toEqual(["sleeper 1", "new 1", "sleeper 1", "sleeper 2", "new 2"]);
    await gate.drain(() => clock.advance(0));
    await fairway.close();
  });
});
