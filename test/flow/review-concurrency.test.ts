import { describe, expect, it } from "vitest";
import { makeFairway } from "../engine/helpers.js";
import { gatedHandler, sharedKeyPair, statuses } from "./engine-helpers.js";

describe("concurrency keys and resumes (review)", () => {
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
