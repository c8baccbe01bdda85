import { describe, expect, it } from "vitest";
import { MAX_EVENT_BYTES } from "../../src/engine/event-validation.js";
import { FUNCTION_FAILED_EVENT, type HandlerContext, NonRetriableError } from "../../src/index.js";
import { makeFairway, storeKinds } from "./helpers.js";
import { settle } from "./review-helpers.js";

describe.each(storeKinds)("onFailure (%s)", (kind) => {
  it("runs once with fairway/function.failed carrying function_id, run_id, error, event and events", async () => {
    const { fairway } = makeFairway(kind);
    const calls: HandlerContext[] = [];
    fairway.createFunction(
      { id: "f", onFailure: (context) => void calls.push(context) },
      { event: "e" },
      async () => {
        throw new NonRetriableError("broken");
      },
    );
    const { ids } = await fairway.send({ name: "e", data: { order: 7 } });
    await settle();
    await settle();
    const run = (await fairway.listRuns({ functionId: "f" })).runs[0];
    expect(calls).toHaveLength(1);
    const failure = calls[0]?.event;
    expect(failure?.name).toBe(FUNCTION_FAILED_EVENT);
    const trigger = { name: "e", data: { order: 7 }, id: ids[0], ts: expect.any(Number) };
    expect(failure?.data).toMatchObject({
      function_id: "f",
      run_id: run?.id,
      error: { name: "NonRetriableError", message: "broken", code: "non_retriable" },
      event: trigger,
      events: [trigger],
    });
    const failureRun = (await fairway.listRuns({ functionId: "f-failure" })).runs[0];
    expect(failureRun?.status).toBe("completed");
    await fairway.close();
  });

  it("still runs when the failed run's event is close to the 512 KB event limit", async () => {
    const { fairway } = makeFairway(kind);
    let calls = 0;
    fairway.createFunction(
      {
        id: "f",
        onFailure: () => {
          calls++;
        },
      },
      { event: "e" },
      async () => {
        throw new NonRetriableError("x".repeat(10_000));
      },
    );
    const blob = "y".repeat(MAX_EVENT_BYTES - 100);
    await fairway.send({ name: "e", data: { blob } });
    await settle();
    await settle();
    expect((await fairway.listRuns({ functionId: "f" })).runs[0]?.status).toBe("failed");
    expect(calls).toBe(1);
    await fairway.close();
  });
});
