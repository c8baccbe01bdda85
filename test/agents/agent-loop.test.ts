import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createAgent, createTool } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";

const add = createTool({
  name: "add",
  description: "Adds two numbers",
  parameters: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});

describe("agent tool loop", () => {
  it("sends tool results back paired with their calls, with the full history, until a text answer", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "add", input: { a: 1, b: 2 } }] },
      { toolCalls: [{ name: "add", input: { a: 3, b: 4 } }] },
      "The sums are 3 and 7.",
    ]);
    const agent = createAgent({ name: "calc", system: "You add.", tools: [add], model });
    const result = await agent.run("Add 1+2 and 3+4", { maxIter: 5 });

    expect(model.calls).toBe(3);
    const third = model.requests[2]!.messages;
    expect(third.map((m) => m.type)).toEqual([
      "text",
      "text",
      "tool_call",
      "tool_result",
      "tool_call",
      "tool_result",
    ]);
    expect(third[3]).toMatchObject({
      type: "tool_result",
      tool: { id: "call_0_0", name: "add" },
      content: { data: 3 },
    });
    expect(third[5]).toMatchObject({ type: "tool_result", tool: { id: "call_1_0" }, content: { data: 7 } });
    expect(result.output.at(-1)).toMatchObject({ type: "text", content: "The sums are 3 and 7." });
    // formatHistory of the result replays the exact conversation: every call followed by its result.
    expect([...result.output, ...result.toolCalls].map((m) => m.type)).toEqual([
      "tool_call",
      "tool_result",
      "tool_call",
      "tool_result",
      "text",
    ]);
  });

  it("stops at maxIter model calls and keeps the last round's tool results", async () => {
    const model = scriptedModel([{ toolCalls: [{ name: "add", input: { a: 1, b: 1 } }] }], {
      whenExhausted: "repeat",
    });
    const agent = createAgent({ name: "calc", system: "s", tools: [add], model });
    const result = await agent.run("loop", { maxIter: 3 });
    expect(model.calls).toBe(3);
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]!.content).toEqual({ data: 2 });
  });

  it("with maxIter 0 makes one inference plus one round of tool calls (AgentKit's default)", async () => {
    const model = scriptedModel([{ toolCalls: [{ name: "add", input: { a: 2, b: 2 } }] }]);
    const agent = createAgent({ name: "calc", system: "s", tools: [add], model });
    const result = await agent.run("2+2");
    expect(model.calls).toBe(1);
    expect(result.toolCalls[0]!.content).toEqual({ data: 4 });
  });

  it("runs every parallel call of a turn and returns results in call order", async () => {
    const order: string[] = [];
    const slow = createTool({
      name: "slow",
      parameters: z.object({ label: z.string(), ms: z.number() }),
      handler: async ({ label, ms }) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(label);
        return label;
      },
    });
    const model = scriptedModel([
      {
        toolCalls: [
          { name: "slow", input: { label: "first", ms: 20 } },
          { name: "slow", input: { label: "second", ms: 0 } },
          { name: "add", input: { a: 1, b: 1 } },
        ],
      },
      "done",
    ]);
    const agent = createAgent({ name: "p", system: "s", tools: [slow, add], model });
    const result = await agent.run("go", { maxIter: 2 });
    expect(order).toEqual(["second", "first"]); // they ran concurrently
    const last = model.requests[1]!.messages.slice(-3);
    expect(last.map((m) => (m.type === "tool_result" ? m.content : null))).toEqual([
      { data: "first" },
      { data: "second" },
      { data: 2 },
    ]);
    expect(result.output.at(-1)).toMatchObject({ content: "done" });
  });

  it("places system prompt, prefill and the prompt of a function system correctly", async () => {
    const model = scriptedModel(["ok"]);
    const agent = createAgent({
      name: "a",
      system: async ({ network }) => `count=${network?.state.data.count}`,
      assistant: "Sure,",
      model,
    });
    const { createState } = await import("../../src/index.js");
    await agent.run(
      { id: "m1", role: "user", content: "hi", systemPrompt: "Be brief." },
      { state: createState({ count: 2 }) },
    );
    expect(model.requests[0]!.messages).toEqual([
      { type: "text", role: "system", content: "count=2\n\nBe brief." },
      { type: "text", role: "user", content: "hi" },
      { type: "text", role: "assistant", content: "Sure," },
    ]);
  });

  it("offers the tools with their schemas and tool_choice", async () => {
    const model = scriptedModel(["ok"]);
    const agent = createAgent({ name: "a", system: "s", tools: [add], tool_choice: "add", model });
    await agent.run("x");
    expect(model.requests[0]!.toolChoice).toBe("add");
    expect(model.requests[0]!.tools?.map((t) => t.name)).toEqual(["add"]);
  });

  it("rejects a run without a model, and duplicate tool names, with errors naming the field", async () => {
    await expect(createAgent({ name: "a", system: "s" }).run("x")).rejects.toMatchObject({
      code: "config_invalid",
      path: "model",
    });
    expect(() => createAgent({ name: "a", system: "s", tools: [add, add] })).toThrow(/tools\[1\]\.name/);
  });

  it("AgentResult has a stable checksum and export()", async () => {
    const model = scriptedModel(["hello"]);
    const result = await createAgent({ name: "a", system: "s", model }).run("x");
    const exported = result.export();
    expect(exported).toMatchObject({ agentName: "a", toolCalls: [], checksum: result.checksum });
    expect(result.checksum).toMatch(/^[0-9a-f]{64}$/);
    const { AgentResult } = await import("../../src/index.js");
    expect(AgentResult.from(JSON.parse(JSON.stringify(result))).checksum).toBe(result.checksum);
  });

  it("withModel keeps every option but the model", async () => {
    const first = scriptedModel(["a"]);
    const second = scriptedModel(["b"]);
    const agent = createAgent({ name: "a", system: "s", tools: [add], tool_choice: "any", model: first });
    const copy = agent.withModel(second);
    await copy.run("x");
    expect(first.calls).toBe(0);
    expect(second.requests[0]).toMatchObject({ toolChoice: "any", tools: [{ name: "add" }] });
  });
});
