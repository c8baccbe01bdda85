import { afterEach, describe, expect, it } from "vitest";
import type { Fairway } from "../../src/fairway.js";
import { createAgent } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";
import { type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer;
afterEach(async () => {
  await t?.server.close();
});

const define = (fairway: Fairway) => {
  const model = scriptedModel([{ text: "hi", usage: { inputTokens: 30, outputTokens: 7 } }], {
    modelName: "m1",
    whenExhausted: "repeat",
  });
  const agent = createAgent({ name: "a", system: "s", model });
  return [
    fairway.createFunction(
      { id: "chat", concurrency: { limit: 2, key: "event.data.userId" } },
      { event: "app/chat" },
      async () => (await agent.run("hello")).output.length,
    ),
  ];
};

type UsageBody = { since: number; until: number; rows: Array<Record<string, unknown>> };

describe("usage API", () => {
  it("GET /api/usage sums per tenant × model over the window; the run API carries the run's totals", async () => {
    t = testServer(define);
    const before = Date.now();
    const first = await t.start("app/chat", { userId: "u1" });
    await t.start("app/chat", { userId: "u1" });
    const other = await t.start("app/chat", { userId: "u2" });
    await Promise.all([first, other].map((id) => t.fairway.waitForRun(id)));
    await expect.poll(async () => (await t.fairway.usage()).reduce((n, row) => n + row.calls, 0)).toBe(3);

    const body = (await (await t.call("/api/usage")).json()) as UsageBody;
    expect(body.rows).toEqual([
      { tenantKey: "u1", model: "m1", calls: 2, inputTokens: 60, outputTokens: 14, cachedInputTokens: 0 },
      { tenantKey: "u2", model: "m1", calls: 1, inputTokens: 30, outputTokens: 7, cachedInputTokens: 0 },
    ]);
    expect(body.until - body.since).toBe(24 * 60 * 60 * 1000);
    const u2 = (await (await t.call("/api/usage?tenant=u2&function=chat")).json()) as UsageBody;
    expect(u2.rows.map((row) => row.tenantKey)).toEqual(["u2"]);
    const empty = (await (await t.call(`/api/usage?until=${before}`)).json()) as UsageBody;
    expect(empty.rows).toEqual([]);

    const run = (await (await t.call(`/api/runs/${other}`)).json()) as { usage: { totals: unknown } };
    expect(run.usage.totals).toEqual({ calls: 1, inputTokens: 30, outputTokens: 7, cachedInputTokens: 0 });
    expect((await t.call("/api/usage?since=yesterday")).status).toBe(400);

    // The flow view carries each key's tokens of the last 24 h, its limit, and its override.
    await t.fairway.limits.set("chat", "u2", { concurrency: 5 });
    const flow = (await (await t.call("/api/flow?function=chat")).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    const row = (key: string) => flow.keys.find((k) => k.key === key);
    expect(row("u1")).toMatchObject({ tokens: { input: 60, output: 14, calls: 2 }, concurrencyLimit: 2 });
    expect(row("u2")).toMatchObject({
      tokens: { input: 30, output: 7, calls: 1 },
      concurrencyLimit: 5,
      override: { concurrency: { limit: 5 } },
    });
    expect(row("u1")!.override).toBeUndefined();
  });
});
