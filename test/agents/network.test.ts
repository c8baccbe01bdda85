import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type Agent,
  createAgent,
  createNetwork,
  createRoutingAgent,
  createState,
  createTool,
} from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";

describe("networks and routers", () => {
  it("code router: called before each agent with input, callCount, stack and lastResult", async () => {
    const model = scriptedModel(["from A", "from B"]);
    const a = createAgent({ name: "A", system: "You are A", model });
    const b = createAgent({ name: "B", system: "You are B", model });
    const calls: Array<{ callCount: number; last?: string; stack: string[]; input: string }> = [];
    const network = createNetwork({
      name: "net",
      agents: [a, b],
      router: ({ callCount, lastResult, stack, input }) => {
        calls.push({ callCount, last: lastResult?.agentName, stack: stack.map((s) => s.name), input });
        return [a, b][callCount];
      },
    });
    const run = await network.run("question");
    expect(calls).toEqual([
      { callCount: 0, last: undefined, stack: [], input: "question" },
      { callCount: 1, last: "A", stack: [], input: "question" },
      { callCount: 2, last: "B", stack: [], input: "question" },
    ]);
    expect(run.state.results.map((r) => r.agentName)).toEqual(["A", "B"]);
    expect(run.callCount).toBe(2);
    expect(run.stopReason).toBe("router");
    // B sees the system prompt, the user input, then A's output.
    expect(model.requests[1]!.messages).toEqual([
      { type: "text", role: "system", content: "You are B" },
      { type: "text", role: "user", content: "question" },
      { type: "text", role: "assistant", content: "from A", stop_reason: "stop" },
    ]);
    expect(network.state.results).toEqual([]); // the network's own state is never touched
  });

  it("code router returning an array queues every agent", async () => {
    const model = scriptedModel(["1", "2"]);
    const a = createAgent({ name: "A", system: "s", model });
    const b = createAgent({ name: "B", system: "s", model });
    const network = createNetwork({
      name: "net",
      agents: [a, b],
      router: ({ callCount }) => (callCount === 0 ? [a, b] : undefined),
    });
    const run = await network.run("x");
    expect(run.state.results.map((r) => r.agentName)).toEqual(["A", "B"]);
  });

  it("maxIter bounds agent calls even when the router never finishes (R18), with no extra model call", async () => {
    for (const [maxIter, expected] of [
      [1, 1],
      [3, 3],
    ] as const) {
      const model = scriptedModel(["again"], { whenExhausted: "repeat" });
      const a = createAgent({ name: "A", system: "s", model });
      const run = await createNetwork({ name: "loop", agents: [a], maxIter, router: () => a }).run("x");
      expect(run.callCount).toBe(expected);
      expect(model.calls).toBe(expected);
      expect(run.stopReason).toBe("maxIter");
    }
  });

  it("maxIter 0 means no limit", async () => {
    const model = scriptedModel(["r"], { whenExhausted: "repeat" });
    const a = createAgent({ name: "A", system: "s", model });
    const run = await createNetwork({
      name: "n",
      agents: [a],
      router: ({ callCount }) => (callCount < 5 ? a : undefined),
    }).run("x");
    expect(run.callCount).toBe(5);
  });

  it("routing agent with onRoute: its result is not stored, and its names pick agents", async () => {
    const routerModel = scriptedModel([
      { toolCalls: [{ name: "pick", input: { agent: "B" } }] },
      { toolCalls: [{ name: "pick", input: { agent: "finished" } }] },
    ]);
    const model = scriptedModel(["B answered"]);
    const a = createAgent({ name: "A", system: "s", model });
    const b = createAgent({ name: "B", system: "s", model });
    const onRouteCalls: string[][] = [];
    const router = createRoutingAgent({
      name: "router",
      system: "Route.",
      model: routerModel,
      tool_choice: "pick",
      tools: [
        createTool({
          name: "pick",
          parameters: z.object({ agent: z.string() }),
          handler: ({ agent }) => agent,
        }),
      ],
      lifecycle: {
        onRoute: ({ result }) => {
          const chosen = (result.toolCalls[0]!.content as { data: string }).data;
          const names = chosen === "finished" ? [] : [chosen];
          onRouteCalls.push(names);
          return names;
        },
      },
    });
    const run = await createNetwork({ name: "n", agents: [a, b], router }).run("x");
    expect(onRouteCalls).toEqual([["B"], []]);
    expect(run.state.results.map((r) => r.agentName)).toEqual(["B"]);
    expect(routerModel.requests[0]!.toolChoice).toBe("pick");
  });

  it("default LLM routing agent (only defaultModel): select_agent, then done", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "select_agent", input: { name: "Writer", reason: "needs prose" } }] },
      "A poem.",
      { toolCalls: [{ name: "done", input: { summary: "wrote it" } }] },
    ]);
    const writer = createAgent({ name: "Writer", description: "Writes poems", system: "You write." });
    const run = await createNetwork({ name: "n", agents: [writer], defaultModel: model }).run(
      "a poem please",
    );
    expect(run.state.results.map((r) => r.agentName)).toEqual(["Writer"]);
    expect(model.calls).toBe(3);
    const routerRequest = model.requests[0]!;
    expect(routerRequest.toolChoice).toBe("any");
    expect(routerRequest.tools?.map((t) => t.name)).toEqual(["select_agent", "done"]);
    expect(routerRequest.messages[0]).toMatchObject({ role: "system" });
    expect(JSON.stringify(routerRequest.messages[0])).toContain("Writer: Writes poems");
  });

  it("default router: an invented agent name ends the run instead of crashing it", async () => {
    const model = scriptedModel([{ toolCalls: [{ name: "select_agent", input: { name: "Ghost" } }] }]);
    const writer = createAgent({ name: "Writer", system: "s" });
    const run = await createNetwork({ name: "n", agents: [writer], defaultModel: model }).run("x");
    expect(run.state.results).toEqual([]);
    expect(model.calls).toBe(1);
  });

  it("no router and no default model is a ConfigError naming the router", async () => {
    const a = createAgent({ name: "A", system: "s" });
    await expect(createNetwork({ name: "n", agents: [a] }).run("x")).rejects.toMatchObject({
      path: "router",
    });
  });

  it("code router returning a routing agent runs it", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "go", input: {} }] },
      "A did it",
      { toolCalls: [{ name: "stop", input: {} }] },
    ]);
    const a = createAgent({ name: "A", system: "s" });
    const ra = createRoutingAgent({
      name: "ra",
      system: "route",
      tools: [
        createTool({ name: "go", handler: () => "A" }),
        createTool({ name: "stop", handler: () => "" }),
      ],
      lifecycle: { onRoute: ({ result }) => (result.toolCalls[0]!.tool.name === "go" ? ["A"] : undefined) },
    });
    const run = await createNetwork({ name: "n", agents: [a], defaultModel: model, router: () => ra }).run(
      "x",
    );
    expect(run.state.results.map((r) => r.agentName)).toEqual(["A"]);
  });

  it("lifecycle: enabled hides agents from routing; onStart can stop; onResponse and onFinish replace results", async () => {
    const model = scriptedModel(["original"], { whenExhausted: "repeat" });
    const hooks: string[] = [];
    const hidden = createAgent({ name: "hidden", system: "s", model, lifecycle: { enabled: () => false } });
    const shown: Agent = createAgent({
      name: "shown",
      system: "s",
      model,
      lifecycle: {
        onStart: ({ prompt, history }) => {
          hooks.push("onStart");
          return {
            prompt: [...prompt, { type: "text", role: "user", content: "extra" }],
            history: history ?? [],
            stop: false,
          };
        },
        onResponse: ({ result }) => {
          hooks.push("onResponse");
          result.output = [{ type: "text", role: "assistant", content: "replaced" }];
          return result;
        },
        onFinish: ({ result }) => {
          hooks.push("onFinish");
          return result;
        },
      },
    });
    const network = createNetwork({
      name: "n",
      agents: [hidden, shown],
      router: ({ callCount }) => (callCount === 0 ? shown : undefined),
    });
    expect((await network.availableAgents()).map((a) => a.name)).toEqual(["shown"]);
    const run = await network.run("x");
    expect(hooks).toEqual(["onStart", "onResponse", "onFinish"]);
    expect(model.requests[0]!.messages.at(-1)).toEqual({ type: "text", role: "user", content: "extra" });
    expect(run.state.results[0]!.output).toEqual([{ type: "text", role: "assistant", content: "replaced" }]);

    const stopper = createAgent({
      name: "s",
      system: "s",
      model,
      lifecycle: { onStart: ({ prompt }) => ({ prompt, history: [], stop: true }) },
    });
    const before = model.calls;
    const result = await stopper.run("x");
    expect(model.calls).toBe(before);
    expect(result.output).toEqual([]);
  });

  it("a given State is mutated in place; tools change state.data and kv sees it", async () => {
    const setTopic = createTool({
      name: "set_topic",
      parameters: z.object({ topic: z.string() }),
      handler: ({ topic }, { network }) => {
        network.state.data.topic = topic;
        return network.state.kv.get("topic");
      },
    });
    const model = scriptedModel([{ toolCalls: [{ name: "set_topic", input: { topic: "tides" } }] }]);
    const a = createAgent({ name: "A", system: "s", model, tools: [setTopic] });
    const state = createState<{ topic?: string }>({});
    await createNetwork({
      name: "n",
      agents: [a],
      router: ({ callCount }) => (callCount === 0 ? a : undefined),
    }).run("x", { state });
    expect(state.data.topic).toBe("tides");
    expect(state.results[0]!.toolCalls[0]!.content).toEqual({ data: "tides" });
  });

  it("NetworkRun.run is refused", async () => {
    const a = createAgent({ name: "A", system: "s", model: scriptedModel(["x"]) });
    const run = await createNetwork({
      name: "n",
      agents: [a],
      router: ({ callCount }) => (callCount ? undefined : a),
    }).run("x");
    await expect(run.run()).rejects.toThrow(/does not support run/);
  });
});
