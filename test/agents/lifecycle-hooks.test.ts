import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createAgent, createNetwork, createTool } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";
import { onlyRun, testFairway } from "./helpers/engine.js";

const add = createTool({
  name: "add",
  parameters: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});

describe("lifecycle hooks and results", () => {
  it("onStart stop in a later round keeps the rounds already done (AgentKit returns the last result)", async () => {
    const model = scriptedModel([{ toolCalls: [{ name: "add", input: { a: 1, b: 2 } }] }, "never sent"]);
    let finished = 0;
    const agent = createAgent({
      name: "calc",
      system: "s",
      model,
      tools: [add],
      lifecycle: {
        onStart: ({ prompt, history = [] }) => ({
          prompt,
          history,
          stop: history.some((m) => m.type === "tool_result"),
        }),
        onFinish: ({ result }) => {
          finished++;
          return result;
        },
      },
    });
    const result = await agent.run("1+2?", { maxIter: 3 });
    expect(model.calls).toBe(1);
    expect(result.output).toEqual([
      {
        type: "tool_call",
        role: "assistant",
        tools: [{ type: "tool", id: "call_0_0", name: "add", input: { a: 1, b: 2 } }],
        stop_reason: "tool",
      },
    ]);
    expect(result.toolCalls.map((t) => t.content)).toEqual([{ data: 3 }]);
    // As in AgentKit, a stopped run returns at once: onFinish does not run.
    expect(finished).toBe(0);
  });

  it("onStart stop before the first inference returns an empty result with the prompt, and no onFinish", async () => {
    const model = scriptedModel(["never sent"]);
    let finished = 0;
    const agent = createAgent({
      name: "quiet",
      system: "s",
      model,
      lifecycle: {
        onStart: ({ prompt, history = [] }) => ({ prompt, history, stop: true }),
        onFinish: ({ result }) => {
          finished++;
          return result;
        },
      },
    });
    const result = await agent.run("hi");
    expect(model.calls).toBe(0);
    expect(result.output).toEqual([]);
    expect(result.prompt).toEqual([
      { type: "text", role: "system", content: "s" },
      { type: "text", role: "user", content: "hi" },
    ]);
    expect(finished).toBe(0);
  });

  it("checksum covers the final output and toolCalls even when a hook read it earlier", async () => {
    const model = scriptedModel([{ toolCalls: [{ name: "add", input: { a: 2, b: 2 } }] }]);
    const agent = createAgent({
      name: "calc",
      system: "s",
      model,
      tools: [add],
      lifecycle: {
        onResponse: ({ result }) => {
          expect(result.checksum).toMatch(/^[0-9a-f]{64}$/);
          return result;
        },
      },
    });
    const result = await agent.run("2+2?");
    const expected = createHash("sha256")
      .update(JSON.stringify([result.output, result.toolCalls, result.createdAt.toISOString()]))
      .digest("hex");
    expect(result.toolCalls).toHaveLength(1);
    expect(result.checksum).toBe(expected);
    expect(result.export().checksum).toBe(expected);
  });
});

describe("tool values that are not JSON", () => {
  const bad = createTool({
    name: "bad",
    handler: () => ({ big: 10n }),
  });

  it("a tool value that cannot be serialized becomes an { error } result, not a crashed run", async () => {
    const model = scriptedModel([{ toolCalls: [{ name: "bad" }] }, "ok"]);
    const agent = createAgent({ name: "a", system: "s", model, tools: [bad] });
    const result = await agent.run("go", { maxIter: 2 });
    const toolResult = result.output.find((m) => m.type === "tool_result");
    expect(toolResult?.type === "tool_result" && toolResult.content).toMatchObject({
      error: { name: "ToolCallError", code: "tool_result_invalid" },
    });
    expect(model.calls).toBe(2);
  });

  it("inside a Fairway function the same tool is called once and the run completes", async () => {
    const { fairway } = testFairway();
    let calls = 0;
    const counted = createTool({
      name: "bad",
      handler: () => {
        calls++;
        return { big: 10n };
      },
    });
    const model = scriptedModel([{ toolCalls: [{ name: "bad" }] }, "ok"]);
    const agent = createAgent({ name: "a", system: "s", model, tools: [counted] });
    const network = createNetwork({
      name: "n",
      agents: [agent],
      defaultModel: model,
      router: ({ callCount }) => (callCount < 2 ? agent : undefined),
    });
    fairway.createFunction({ id: "bad-tool", retries: 2 }, { event: "bad" }, async () => network.run("go"));
    await fairway.send({ name: "bad", data: {} });
    const output = (await fairway.waitForRun(await onlyRun(fairway, "bad-tool"))) as {
      state: { _results: Array<{ toolCalls: Array<{ content: unknown }> }> };
    };
    expect(calls).toBe(1);
    expect(output.state._results[0]?.toolCalls[0]?.content).toMatchObject({
      error: { name: "ToolCallError", code: "tool_result_invalid" },
    });
    await fairway.close();
  });
});
