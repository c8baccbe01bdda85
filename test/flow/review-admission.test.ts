import { describe, expect, it } from "vitest";
import { makeFairway, storeKinds } from "../engine/helpers.js";
import { eventsFor, gatedHandler, statuses } from "./engine-helpers.js";

/** Runs that end up skipped must not count against rate-limit or idempotency windows. */
describe.each(storeKinds)("admission windows count only created runs (review, %s store)", (kind) => {
  it("rateLimit + idempotency: a duplicate skipped by idempotency uses no rate-limit slot", async () => {
    const { fairway, clock } = makeFairway(kind);
    let calls = 0;
    fairway.createFunction(
      { id: "f", rateLimit: { limit: 2, period: "1h" }, idempotency: "event.data.order" },
      { event: "e" },
      () => {
        calls += 1;
      },
    );
    await fairway.send([
      { name: "e", data: { order: 1 } },
      { name: "e", data: { order: 1 } },
      { name: "e", data: { order: 2 } },
    ]);
    await clock.advance(0);
    expect(calls).toBe(2);
    await fairway.close();
  });

  it("rateLimit + singleton skip: a run skipped by singleton uses no rate-limit slot", async () => {
    const { fairway, clock } = makeFairway(kind);
    const gate = gatedHandler();
    fairway.createFunction(
      { id: "f", rateLimit: { limit: 2, period: "1h" }, singleton: { mode: "skip" } },
      { event: "e" },
      gate.handler,
    );
    await fairway.send(eventsFor("e", undefined, 2));
    await clock.advance(0);
    expect(gate.active()).toBe(1);
    await gate.drain(() => clock.advance(0));
    await fairway.send(eventsFor("e", undefined, 1));
    await clock.advance(0);
    expect(await statuses(fairway, "f")).toEqual(["completed", "skipped", "running"]);
    await gate.drain(() => clock.advance(0));
    await fairway.close();
  });
});
