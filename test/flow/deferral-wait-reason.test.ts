import { describe, expect, it } from "vitest";
import { makeFairway, storeKinds } from "../engine/helpers.js";

describe.each(storeKinds)("why a debounced or batched run waited (%s store)", (kind) => {
  it("a debounced run names its key and the span it was deferred, from the first event to the release", async () => {
    const { fairway, clock } = makeFairway(kind);
    const t0 = clock.now();
    fairway.createFunction(
      { id: "f", debounce: { period: "10s", key: "event.data.user" } },
      { event: "e" },
      () => "ok",
    );
    await fairway.send({ name: "e", data: { user: "a" } });
    await clock.advance("5s");
    await fairway.send({ name: "e", data: { user: "a" } });
    await clock.advance("10s");
    const { runs } = await fairway.listRuns({ functionId: "f" });
    expect(runs).toHaveLength(1);
    const run = await fairway.getRun(runs[0]!.id);
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(run?.waitReason).toBe(`debounce "a": deferred from ${iso(t0)} until ${iso(t0 + 15_000)}`);
    await fairway.close();
  });

  it("a batched run names its unkeyed batch; a run that never waited names nothing", async () => {
    const { fairway, clock } = makeFairway(kind);
    const t0 = clock.now();
    fairway.createFunction(
      { id: "b", batchEvents: { maxSize: 5, timeout: "3s" } },
      { event: "e" },
      () => "ok",
    );
    fairway.createFunction({ id: "plain" }, { event: "e" }, () => "ok");
    await fairway.send({ name: "e", data: {} });
    await clock.advance("3s");
    const batched = (await fairway.listRuns({ functionId: "b" })).runs;
    const iso = (ms: number) => new Date(ms).toISOString();
    expect((await fairway.getRun(batched[0]!.id))?.waitReason).toBe(
      `batch: collected from ${iso(t0)} until ${iso(t0 + 3000)}`,
    );
    const plain = (await fairway.listRuns({ functionId: "plain" })).runs;
    expect((await fairway.getRun(plain[0]!.id))?.waitReason).toBeUndefined();
    await fairway.close();
  });
});
