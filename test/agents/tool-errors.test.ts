import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createAgent, createTool } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";

/** Runs one turn with the given tool calls and returns what the model is sent back for them. */
async function resultsFor(
  calls: Array<{ name: string; input?: Record<string, unknown>; inputError?: string }>,
) {
  const seen: unknown[] = [];
  const greet = createTool({
    name: "greet",
    parameters: z.object({ name: z.string(), greeting: z.string().default("Hello") }),
    handler: (input) => {
      seen.push(input);
      return `${input.greeting}, ${input.name}`;
    },
  });
  const syncThrow = createTool({
    name: "sync_throw",
    handler: () => {
      throw new Error("sync boom");
    },
  });
  const asyncThrow = createTool({
    name: "async_throw",
    handler: async () => {
      await Promise.resolve();
      throw new TypeError("async boom");
    },
  });
  const nothing = createTool({ name: "nothing", handler: () => undefined });
  const model = scriptedModel([{ toolCalls: calls }, "ok"]);
  const agent = createAgent({
    name: "a",
    system: "s",
    tools: [greet, syncThrow, asyncThrow, nothing],
    model,
  });
  const result = await agent.run("go", { maxIter: 2 });
  const sent = model.requests[1]!.messages.filter((m) => m.type === "tool_result");
  expect(sent.map((m) => (m.type === "tool_result" ? m.content : null))).toEqual(
    result.output
      .filter((m) => m.type === "tool_result")
      .map((m) => (m.type === "tool_result" ? m.content : null)),
  );
  return { contents: sent.map((m) => (m.type === "tool_result" ? m.content : null)), seen };
}

describe("tool results the model sees", () => {
  it("validates arguments and applies schema defaults", async () => {
    const { contents, seen } = await resultsFor([{ name: "greet", input: { name: "Ada" } }]);
    expect(seen).toEqual([{ name: "Ada", greeting: "Hello" }]);
    expect(contents).toEqual([{ data: "Hello, Ada" }]);
  });

  it("turns a validation error into an { error } naming the field, without calling the handler", async () => {
    const { contents, seen } = await resultsFor([{ name: "greet", input: { name: 42 } }]);
    expect(seen).toEqual([]);
    expect(contents[0]).toMatchObject({
      error: { name: "InvalidToolArgumentsError", code: "tool_arguments_invalid" },
    });
    expect((contents[0] as { error: { message: string } }).error.message).toMatch(/name: .*string/i);
  });

  it("turns an unknown tool (including prototype names) into an { error } listing the real tools", async () => {
    const { contents } = await resultsFor([{ name: "nope" }, { name: "constructor" }, { name: "__proto__" }]);
    for (const content of contents) {
      expect(content).toMatchObject({ error: { name: "UnknownToolError", code: "tool_unknown" } });
    }
    expect((contents[0] as { error: { message: string } }).error.message).toContain('"greet"');
  });

  it("turns sync and async throws into { error } results; the run continues", async () => {
    const { contents } = await resultsFor([{ name: "sync_throw" }, { name: "async_throw" }]);
    expect(contents).toEqual([
      { error: { name: "Error", message: "sync boom" } },
      { error: { name: "TypeError", message: "async boom" } },
    ]);
  });

  it("turns malformed arguments reported by the adapter (inputError) into an { error }", async () => {
    const { contents, seen } = await resultsFor([
      { name: "greet", inputError: "arguments are not valid JSON: {name:" },
    ]);
    expect(seen).toEqual([]);
    expect(contents[0]).toMatchObject({ error: { code: "tool_arguments_invalid" } });
    expect((contents[0] as { error: { message: string } }).error.message).toContain("not valid JSON");
  });

  it("reports undefined as AgentKit's success text", async () => {
    const { contents } = await resultsFor([{ name: "nothing" }]);
    expect(contents).toEqual([{ data: "nothing successfully executed" }]);
  });

  it("gives handlers the agent, the network and (outside a function) no step", async () => {
    let options: unknown;
    const probe = createTool({
      name: "probe",
      handler: (_input, opts) => {
        options = opts;
        return opts.network.state.data.x;
      },
    });
    const { createState } = await import("../../src/index.js");
    const model = scriptedModel([{ toolCalls: [{ name: "probe" }] }]);
    const agent = createAgent({ name: "a", system: "s", tools: [probe], model });
    const result = await agent.run("go", { state: createState({ x: 7 }) });
    expect(result.toolCalls[0]!.content).toEqual({ data: 7 });
    expect(options).toMatchObject({ agent: { name: "a" }, step: undefined });
  });
});
