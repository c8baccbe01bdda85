import { describe, expect, it } from "vitest";
import { makeFairway } from "../engine/helpers.js";
import { eventsFor, statuses } from "./engine-helpers.js";

describe("windows, slots and retries", () => {
  it("rateLimit 5/24h: the 6th skipped; at exactly first+24h admitted again", async () => {
    const { fairway, clock } = makeFairway("memory");
    let calls = 0;
    fairway.createFunction({ id: "f", rateLimit: { limit: 5, period: "24h" } }, { event: "e" }, () => {
      calls += 1;
    });
    await fairway.send(eventsFor("e", undefined, 6));
    await clock.advance(0);
    expect(calls).toBe(5);
    await clock.advance(86_399_999);
    await fairway.send(eventsFor("e", undefined, 1));
    await clock.advance(0);
    expect(calls).toBe(5);
    await clock.advance(1);
    await fairway.send(eventsFor("e", undefined, 6));
    await clock.advance(0);
    expect(calls).toBe(10);
    await fairway.close();
  });

  it("a run with parallel steps takes one slot", async () => {
    const { fairway, clock } = makeFairway("memory");
    const started: number[] = [];
    const gates: Array<() => void> = [];
    fairway.createFunction({ id: "f", concurrency: 1 }, { event: "e" }, async ({ event, step }) => {
      started.push(Number(event.data.i));
      await Promise.all(
        [1, 2, 3].map((n) => step.run(`s${n}`, () => new Promise<void>((r) => gates.push(r)))),
      );
    });
    await fairway.send(eventsFor("e", undefined, 2));
    await clock.advance(0);
    expect(started).toEqual([0]);
    expect(fairway.flowState("f")).toEqual([
      { functionId: "f", key: "", queued: 1, running: 1, throttled: 0 },
    ]);
    for (let i = 0; i < 10 && started.length < 3; i++) {
      for (const g of gates.splice(0)) g();
      await clock.advance(0);
    }
    await clock.advance(0);
    for (const g of gates.splice(0)) g();
    await clock.advance(0);
    expect(await statuses(fairway, "f")).toEqual(["completed", "completed"]);
    await fairway.close();
  });

  it("a function invoking itself under concurrency 1 does not deadlock", async () => {
    const { fairway, clock } = makeFairway("memory");
    fairway.createFunction(
      { id: "f", concurrency: 1 },
      { event: "e" },
      async ({ event, step }): Promise<number> => {
        const depth = Number(event.data.depth ?? 0);
        if (depth >= 2) return depth;
        return (await step.invoke("child", { function: "f", data: { depth: depth + 1 } })) as number;
      },
    );
    await fairway.send({ name: "e", data: { depth: 0 } });
    await clock.advance(0);
    await clock.advance(0);
    expect(await statuses(fairway, "f")).toEqual(["completed", "completed", "completed"]);
    await fairway.close();
  });

  it("a retry after a failed first attempt is not throttled again", async () => {
    const { fairway, clock } = makeFairway("memory");
    const attempts: number[] = [];
    const t0 = clock.now();
    fairway.createFunction(
      { id: "f", throttle: { limit: 1, period: "1m" }, retries: 1 } as never,
      { event: "e" },
      ({ attempt }: { attempt: number }) => {
        attempts.push(clock.now() - t0);
        if (attempt === 0) throw new Error("first fails");
      },
    );
    await fairway.send(eventsFor("e", undefined, 1));
    await clock.advance(0);
    await clock.advance(0);
    expect(attempts).toEqual([0, 0]);
    await fairway.close();
  });

  it("idempotency: same key exactly 24h later runs again; 1ms before it is skipped", async () => {
    const { fairway, clock } = makeFairway("memory");
    let calls = 0;
    fairway.createFunction({ id: "f", idempotency: "event.data.k" }, { event: "e" }, () => {
      calls += 1;
    });
    await fairway.send({ name: "e", data: { k: "x" } });
    await clock.advance(86_399_999);
    await fairway.send({ name: "e", data: { k: "x" } });
    await clock.advance(1);
    await fairway.send({ name: "e", data: { k: "x" } });
    await clock.advance(0);
    expect(calls).toBe(2);
    expect(await statuses(fairway, "f")).toEqual(["completed", "skipped", "completed"]);
    await fairway.close();
  });
});
