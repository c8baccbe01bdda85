import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, createAgent, createTool, Fairway } from "../../src/index.js";
import { FakeClock, scriptedModel } from "../../src/testing/index.js";
import { nextRunEvent, onlyRun, testFairway } from "./helpers/engine.js";

/** A per-user function whose agent makes two model calls with known token counts, then sleeps. */
function usageApp(fairway: Fairway) {
  const model = scriptedModel(
    [
      {
        toolCalls: [{ name: "lookup", input: { q: "x" } }],
        usage: { inputTokens: 1000, outputTokens: 50, cachedInputTokens: 400 },
      },
      { text: "done", usage: { inputTokens: 1200, outputTokens: 80 } },
    ],
    { modelName: "gpt-test", whenExhausted: "repeat" },
  );
  const lookup = createTool({
    name: "lookup",
    parameters: z.object({ q: z.string() }),
    handler: () => "found",
  });
  const agent = createAgent({ name: "helper", system: "s", model, tools: [lookup] });
  fairway.createFunction(
    { id: "assist", concurrency: { limit: 5, key: "event.data.user" } },
    { event: "assist/go" },
    async ({ event, step }) => {
      const result = await agent.run(event.data.input as string, { maxIter: 2 });
      await step.sleep("pause", "1m");
      return result.output.length;
    },
  );
  return model;
}

describe("usage accounting", () => {
  it("records each model call with run, model and tenant; totals per run and per tenant over a window; cost from prices", async () => {
    const clock = new FakeClock();
    const priced = new Fairway({
      id: "priced",
      store: "memory",
      clock,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      prices: { "gpt-test": { input: 2, output: 10, cachedInput: 0.5 } },
    });
    const model = usageApp(priced);
    const t0 = clock.now();
    const sleeping = nextRunEvent(priced, "run.sleeping");
    await priced.send({ name: "assist/go", data: { user: "u1", input: "hi" } });
    const runId = await onlyRun(priced, "assist");
    await sleeping;
    await clock.advance("1m");
    await priced.waitForRun(runId);
    expect(model.calls).toBe(2);

    const usage = await priced.getRunUsage(runId);
    expect(usage.calls.map((call) => [call.model, call.provider, call.tenantKey, call.inputTokens])).toEqual([
      ["gpt-test", "scripted", "u1", 1000],
      ["gpt-test", "scripted", "u1", 1200],
    ]);
    // (600 × 2 + 400 × 0.5 + 50 × 10 + 1200 × 2 + 80 × 10) / 1e6
    expect(usage.totals).toEqual({
      calls: 2,
      inputTokens: 2200,
      outputTokens: 130,
      cachedInputTokens: 400,
      cost: 0.0051,
    });

    const second = nextRunEvent(priced, "run.sleeping");
    await priced.send({ name: "assist/go", data: { user: "u2", input: "hi" } });
    await second;
    await clock.advance("1m");
    const totals = await priced.usage({ since: t0 });
    expect(totals).toEqual([
      {
        tenantKey: "u1",
        model: "gpt-test",
        calls: 2,
        inputTokens: 2200,
        outputTokens: 130,
        cachedInputTokens: 400,
        cost: 0.0051,
      },
      // The script is spent: u2's agent gets the last reply (text) at once, one call.
      {
        tenantKey: "u2",
        model: "gpt-test",
        calls: 1,
        inputTokens: 1200,
        outputTokens: 80,
        cachedInputTokens: 0,
        cost: 0.0032,
      },
    ]);
    expect(await priced.usage({ since: clock.now() })).toEqual([]);
    expect((await priced.usage({ tenantKey: "u2" })).map((row) => row.tenantKey)).toEqual(["u2"]);
    await priced.close();
  });

  it("a replayed run records no second usage (the model is not called again); no prices → no cost", async () => {
    const { fairway, clock } = testFairway();
    const model = usageApp(fairway);
    const sleeping = nextRunEvent(fairway, "run.sleeping");
    await fairway.send({ name: "assist/go", data: { user: "u1", input: "hi" } });
    const runId = await onlyRun(fairway, "assist");
    await sleeping;
    await clock.advance("1m");
    await fairway.waitForRun(runId);
    expect(model.calls).toBe(2);
    const usage = await fairway.getRunUsage(runId);
    expect(usage.totals).toEqual({ calls: 2, inputTokens: 2200, outputTokens: 130, cachedInputTokens: 400 });
    await expect(fairway.getRunUsage("missing")).rejects.toMatchObject({ code: "not_found" });
    await fairway.close();
  });

  it("refuses a bad price table naming the field", () => {
    expect(() => new Fairway({ id: "x", store: "memory", prices: { m: { input: -1, output: 1 } } })).toThrow(
      ConfigError,
    );
    expect(
      () =>
        new Fairway({ id: "x", store: "memory", prices: { m: { input: 1, output: 1, extra: 1 } as never } }),
    ).toThrow(
      new ConfigError('prices["m"].extra', "is not a known field (known: input, output, cachedInput)"),
    );
    expect(() => new Fairway({ id: "x", store: "memory", prices: { m: [1, 2] as never } })).toThrow(
      new ConfigError('prices["m"]', "must be an object", [1, 2]),
    );
  });
});
