import { describe, expect, it } from "vitest";
import { makeFairway } from "../engine/helpers.js";

/** A seeded PRNG (mulberry32) so the scenario is the same on every run. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("concurrency limits hold under random sleeps, retries and cancels", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("seed %i", async (seed) => {
    const random = prng(seed);
    const { fairway, clock } = makeFairway("memory", { retryBackoffScale: 1 });
    const FN_LIMIT = 4;
    const KEY_LIMIT = 2;
    const executing = new Map<string, number>();
    let total = 0;
    let peakTotal = 0;
    let peakKey = 0;
    const enter = (user: string) => {
      total += 1;
      executing.set(user, (executing.get(user) ?? 0) + 1);
      peakTotal = Math.max(peakTotal, total);
      peakKey = Math.max(peakKey, executing.get(user) ?? 0);
    };
    const leave = (user: string) => {
      total -= 1;
      executing.set(user, (executing.get(user) ?? 0) - 1);
    };
    fairway.createFunction(
      {
        id: "f",
        concurrency: [{ limit: FN_LIMIT }, { limit: KEY_LIMIT, key: "event.data.user" }],
        retries: 2,
      },
      { event: "e" },
      async ({ event, step }) => {
        const user = String(event.data.user);
        const plan = event.data.plan as number[];
        for (const [i, action] of plan.entries()) {
          if (action === 0) await step.sleep(`sleep${i}`, 500);
          else
            await step.run(`work${i}`, async () => {
              enter(user);
              try {
                // Turn-counting on purpose: the step's simulated work must span an event-loop turn, so other
                // runs' steps interleave with it; it is the workload under test, not a wait for the engine.
                await new Promise((resolve) => setImmediate(resolve));
                if (action === 2 && random() < 0.5) throw new Error("flaky");
              } finally {
                leave(user);
              }
            });
        }
      },
    );
    const users = ["a", "b", "c", "d", "e"];
    for (let round = 0; round < 20; round++) {
      const batch = Array.from({ length: 1 + Math.floor(random() * 5) }, () => ({
        name: "e",
        data: {
          user: users[Math.floor(random() * users.length)],
          plan: Array.from({ length: 1 + Math.floor(random() * 3) }, () => Math.floor(random() * 3)),
        },
      }));
      await fairway.send(batch);
      await clock.advance(Math.floor(random() * 300));
      if (random() < 0.3) {
        const { runs } = await fairway.listRuns({ functionId: "f", limit: 1000 });
        const open = runs.filter((r) => !["completed", "failed", "cancelled"].includes(r.status));
        const victim = open[Math.floor(random() * open.length)];
        if (victim) await fairway.cancelRun(victim.id);
      }
      const state = fairway.flowState("f");
      expect(state.reduce((sum, row) => sum + row.running, 0)).toBeLessThanOrEqual(FN_LIMIT);
      for (const row of state) expect(row.running).toBeLessThanOrEqual(KEY_LIMIT);
    }
    for (let i = 0; i < 50; i++) await clock.advance("1m");
    const { runs } = await fairway.listRuns({ functionId: "f", limit: 1000 });
    expect(
      runs
        .filter((r) => !["completed", "failed", "cancelled"].includes(r.status))
        .map((r) => [r.status, r.attempt, r.concurrencyKeys]),
    ).toEqual([]);
    expect(peakTotal).toBeLessThanOrEqual(FN_LIMIT);
    expect(peakKey).toBeLessThanOrEqual(KEY_LIMIT);
    expect(fairway.flowState("f")).toEqual([]);
    await fairway.close();
  });
});
