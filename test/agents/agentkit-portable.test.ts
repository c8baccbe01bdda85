import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AgentResult,
  createAgent,
  createNetwork,
  createRoutingAgent,
  createState,
  createTool,
  type Message,
  type StateData,
} from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";

/*
 * Equivalents of AgentKit's own portable tests (packages/agent-kit: network.test.ts, state.test.ts,
 * __tests__/routing-with-done.test.ts): the same scenarios through the same public API, with a scripted
 * model where AgentKit's tests use a mock or an unreachable one.
 */

/** A network running one agent once on a scripted answer (AgentKit's tests use a mock model). */
function oneAgentNetwork<T extends StateData = StateData>() {
  const agent = createAgent<T>({ name: "TestAgent", system: "You are a test agent." });
  return createNetwork<T>({
    name: "TestNetwork",
    agents: [agent],
    defaultModel: scriptedModel(["Mock AI response"]),
    router: ({ callCount }) => (callCount === 0 ? agent : undefined),
  });
}

describe("AgentKit network.test.ts equivalents", () => {
  it("a run keeps the results of a state that went through JSON", async () => {
    const network = oneAgentNetwork();
    const original = createState({}, { results: [new AgentResult("some-agent", [], [], new Date())] });
    expect(original.results).toHaveLength(1);
    const run = await network.run("test input", { state: JSON.parse(JSON.stringify(original)) });
    expect(run.state.results.map((result) => result.agentName)).toEqual(["some-agent", "TestAgent"]);
  });

  it("a run keeps the messages of a state that went through JSON, first in its history", async () => {
    const network = oneAgentNetwork();
    const earlier: Message[] = [
      { type: "text", role: "user", content: "Previous conversation" },
      { type: "text", role: "assistant", content: "Previous response" },
    ];
    const original = createState({}, { messages: earlier });
    expect(original.formatHistory()).toEqual(earlier);
    const run = await network.run("test input", { state: JSON.parse(JSON.stringify(original)) });
    expect(run.state.formatHistory().slice(0, 2)).toEqual(earlier);
  });

  it("a run keeps typed data of a state that went through JSON", async () => {
    interface TestState {
      username?: string;
      processedItems?: number;
      metadata?: { timestamp: string; version: string };
    }
    const network = oneAgentNetwork<TestState>();
    const data: TestState = {
      username: "Alice",
      processedItems: 42,
      metadata: { timestamp: "2024-01-01T00:00:00Z", version: "1.0.0" },
    };
    const run = await network.run("test input", {
      state: JSON.parse(JSON.stringify(createState<TestState>(data))),
    });
    expect(run.state.data).toEqual(data);
    run.state.data.username = "Bob";
    expect(run.state.data.username).toBe("Bob");
  });
});

describe("AgentKit state.test.ts equivalents", () => {
  it("createState with and without a type; a typed network's state", () => {
    interface State {
      category?: "refund" | "exchange";
      sku?: number;
    }
    const typed = createState<State>();
    typed.data.category = "refund";
    typed.data.sku = 123;
    expect(typed.data).toEqual({ category: "refund", sku: 123 });
    const untyped = createState();
    untyped.data.name = "test";
    expect(untyped.data.name).toBe("test");
    const network = createNetwork<State>({
      name: "test",
      agents: [],
      defaultRouter: ({ network: run }) => (run.state.data.category ? undefined : undefined),
    });
    network.state.data.category = "exchange";
    network.state.data.sku = 7;
    expect(network.state.data).toEqual({ category: "exchange", sku: 7 });
  });
});

describe("AgentKit routing-with-done.test.ts equivalents", () => {
  it("a routing agent whose onRoute returns undefined ends the network before any agent runs", async () => {
    const model = scriptedModel(["never used"]);
    const worker = createAgent({ name: "Test Agent", description: "A test agent", system: "s", model });
    const router = createRoutingAgent({
      name: "Exit Router",
      description: "Always exits immediately",
      system: "Exit immediately",
      lifecycle: { onRoute: () => undefined },
    });
    const run = await createNetwork({
      name: "Test Network",
      agents: [worker],
      router,
      defaultModel: model,
    }).run("Test input");
    expect(run.state.results).toHaveLength(0);
  });

  it("routes to an agent once, then exits: onRoute is called twice", async () => {
    let routeCount = 0;
    const model = scriptedModel(["routing", "Task completed", "routing"], { whenExhausted: "repeat" });
    const worker = createAgent({
      name: "Worker",
      description: "Does work",
      system: "You complete tasks",
      model,
    });
    const router = createRoutingAgent({
      name: "Route Once Router",
      description: "Routes once then exits",
      system: "Route once then exit",
      lifecycle: {
        onRoute: () => {
          routeCount++;
          return routeCount === 1 ? ["Worker"] : undefined;
        },
      },
    });
    const run = await createNetwork({
      name: "Test Network",
      agents: [worker],
      router,
      defaultModel: model,
    }).run("Do some work");
    expect(routeCount).toBe(2);
    expect(run.state.results.map((result) => result.agentName)).toEqual(["Worker"]);
  });

  it("a router with its own done tool ends the network after it is called", async () => {
    const model = scriptedModel([{ toolCalls: [{ name: "complete_task", input: { message: "all set" } }] }]);
    let sawTool = "";
    const router = createRoutingAgent({
      name: "Custom Done Router",
      description: "Uses custom done tool",
      system: "Always call complete_task tool",
      model,
      tools: [
        createTool({
          name: "complete_task",
          description: "Mark task as complete",
          parameters: z.object({ message: z.string() }),
          handler: ({ message }) => `Completed: ${message}`,
        }),
      ],
      lifecycle: {
        onRoute: ({ result }) => {
          sawTool = result.toolCalls[0]?.tool.name ?? "";
          return undefined;
        },
      },
    });
    // AgentKit's test has `agents: []`, but its network.run (like ours) throws "no agents enabled in
    // network" then: here the network has one agent, which the router never picks.
    const idle = createAgent({ name: "Idle", system: "s", model });
    const run = await createNetwork({ name: "Custom Done Network", agents: [idle], router }).run(
      "Complete this",
    );
    expect(sawTool).toBe("complete_task");
    expect(run.state.results).toHaveLength(0);
  });
});
