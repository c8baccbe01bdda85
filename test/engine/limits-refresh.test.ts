import { describe, expect, it } from "vitest";
import { Limits } from "../../src/engine/limits.js";
import { LimitOverrides } from "../../src/flow/limit-overrides.js";
import type { Store } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { unreachableStoreError } from "../helpers/unreachable-store-error.js";

describe("Limits.refreshEvery while the store is away", () => {
  it("reports the first failed reload and the one that works again, not every failure in between", async () => {
    const clock = new FakeClock();
    // Each reload settles (its promise chain re-arms the timer) before the clock moves on.
    clock.registerIdle(() => new Promise<void>((resolve) => setImmediate(resolve)));
    // The store answers, then fails five reloads in a row, then answers again.
    const outcomes = [true, false, false, false, false, false, true, true];
    let reloads = 0;
    const store = {
      listLimitOverrides: async () => {
        const ok = outcomes[reloads++] ?? true;
        if (!ok) throw unreachableStoreError("listLimitOverrides", 3, 5999);
        return [];
      },
    } as unknown as Store;
    const reported: string[] = [];
    const limits = new Limits({
      store,
      clock,
      start: async () => {},
      findFunction: () => undefined,
      overrides: new LimitOverrides(),
      changed: () => {},
      onError: (error) => reported.push(`failed: ${(error as Error).name}`),
      onRecovered: () => reported.push("recovered"),
    });
    limits.refreshEvery(2000);
    await clock.advance(2000 * outcomes.length);
    limits.stop();
    expect(reloads).toBe(outcomes.length);
    expect(reported).toEqual(["failed: StoreError", "recovered"]);
  });
});
