import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  createAgent,
  createNetwork,
  createRoutingAgent,
  createTool,
  type StateJSON,
} from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";
import { nextRunEvent, onlyRun, testFairway } from "./helpers/engine.js";

/** A tool that pauses the run until a `go/on` event arrives. */
const waitTool = createTool({
  name: "wait",
  parameters: z.object({}),
  handler: async (_input, { step }) => {
    const event = await step!.waitForEvent("resume", { event: "go/on", timeout: "1h" });
    return event ? "resumed" : "timed out";
  },
});

describe("durable routing across replays (review)", () => {
  it("a code router that returned a routing agent is not called again when the run replays", async () => {
    const { fairway } = testFairway();
    const model = scriptedModel([
      { toolCalls: [{ name: "pick", input: { name: "worker" } }] },
      { toolCalls: [{ name: "wait", input: {} }] },
    ]);
    const worker = createAgent({ name: "worker", system: "s", tools: [waitTool] });
    const chooser = createRoutingAgent({
      name: "chooser",
      system: "choose",
      tools: [
        createTool({ name: "pick", parameters: z.object({ name: z.string() }), handler: ({ name }) => name }),
      ],
      lifecycle: {
        onRoute: ({ result }) => [
          String((result.toolCalls[0]?.content as { data?: string } | undefined)?.data),
        ],
      },
    });
    const routerCalls: number[] = [];
    const network = createNetwork({
      name: "delegating",
      agents: [worker],
      defaultModel: model,
      router: ({ callCount, network: run }) => {
        routerCalls.push(callCount);
        run.state.data.routed = ((run.state.data.routed as number | undefined) ?? 0) + 1;
        return callCount === 0 ? chooser : undefined;
      },
    });
    fairway.createFunction({ id: "delegate" }, { event: "go" }, async () => network.run("start"));
    const waiting = nextRunEvent(fairway, "run.waiting");
    await fairway.send({ name: "go", data: {} });
    await waiting;
    await fairway.send({ name: "go/on", data: {} });
    const output = (await fairway.waitForRun(await onlyRun(fairway, "delegate"))) as {
      callCount: number;
      state: StateJSON;
    };
    expect(output.callCount).toBe(1);
    expect(output.state._results?.[0]?.toolCalls?.[0]?.content).toEqual({ data: "resumed" });
    expect(routerCalls).toEqual([0, 1]);
    expect(output.state.data).toEqual({ routed: 2 });
    expect(model.calls).toBe(2);
    await fairway.close();
  });

  it("an agent a code router added on the fly is found again when the run replays", async () => {
    const { fairway } = testFairway();
    const model = scriptedModel([{ toolCalls: [{ name: "wait", input: {} }] }, "done"]);
    const listed = createAgent({ name: "listed", system: "s" });
    const adHoc = createAgent({ name: "ad-hoc", system: "s", tools: [waitTool] });
    const network = createNetwork({
      name: "on-the-fly",
      agents: [listed],
      defaultModel: model,
      router: ({ callCount }) => (callCount === 0 ? adHoc : callCount === 1 ? listed : undefined),
    });
    fairway.createFunction({ id: "fly" }, { event: "go" }, async () => network.run("start"));
    const waiting = nextRunEvent(fairway, "run.waiting");
    await fairway.send({ name: "go", data: {} });
    await waiting;
    await fairway.send({ name: "go/on", data: {} });
    const output = (await fairway.waitForRun(await onlyRun(fairway, "fly"))) as {
      callCount: number;
      stopReason: string;
      state: StateJSON;
    };
    expect(output.stopReason).toBe("router");
    expect(output.state._results?.map((r) => r.agentName)).toEqual(["ad-hoc", "listed"]);
    expect(model.calls).toBe(2);
    // The network itself is unchanged: the ad-hoc agent belongs to the run.
    expect([...network.agents.keys()]).toEqual(["listed"]);
    await fairway.close();
  });
});

describe("history hooks that use step themselves (review)", () => {
  it("hooks written as AgentKit's docs show (step?.run inside) work in a durable run, each write once", async () => {
    const { fairway } = testFairway();
    const model = scriptedModel(["answer"]);
    const agent = createAgent({ name: "a", system: "s", model });
    const writes: string[] = [];
    const network = createNetwork({
      name: "chat",
      agents: [agent],
      router: ({ callCount }) => (callCount ? undefined : agent),
      history: {
        createThread: async ({ step }) =>
          (await step?.run("create-thread", () => {
            writes.push("thread");
            return { threadId: "t-1" };
          })) ?? { threadId: "none" },
        appendUserMessage: async ({ step, userMessage }) => {
          await step?.run("save-user", () => void writes.push(`user:${userMessage.content}`));
        },
        appendResults: async ({ step, newResults }) => {
          await step?.run("save-results", () => void writes.push(`results:${newResults.length}`));
        },
      },
    });
    fairway.createFunction({ id: "chat" }, { event: "chat" }, async () => {
      const run = await network.run("hello");
      return run.state.threadId;
    });
    await fairway.send({ name: "chat", data: {} });
    expect(await fairway.waitForRun(await onlyRun(fairway, "chat"))).toBe("t-1");
    expect(writes).toEqual(["thread", "user:hello", "results:1"]);
    await fairway.close();
  });
});

describe("parallel tool calls in a durable run (review)", () => {
  it("two approvals waiting at once and a plain tool in the same turn all finish once, results in call order", async () => {
    const { fairway } = testFairway();
    let plain = 0;
    const approve = createTool({
      name: "approve",
      parameters: z.object({ ticket: z.string() }),
      handler: async ({ ticket }, { step }) => {
        const event = await step!.waitForEvent(`approval-${ticket}`, {
          event: "ticket/approved",
          timeout: "1h",
          if: `async.data.ticket == "${ticket}"`,
        });
        return `${ticket}:${event?.data.by ?? "timeout"}`;
      },
    });
    const note = createTool({
      name: "note",
      handler: (_input, { network }) => {
        plain++;
        network.state.data.noted = true;
        return "noted";
      },
    });
    const model = scriptedModel([
      {
        toolCalls: [
          { name: "approve", input: { ticket: "A" } },
          { name: "note", input: {} },
          { name: "approve", input: { ticket: "B" } },
        ],
      },
    ]);
    const agent = createAgent({ name: "ops", system: "s", model, tools: [approve, note] });
    fairway.createFunction({ id: "ops" }, { event: "ops" }, async () => {
      const result = await agent.run("approve both");
      return result.toolCalls.map((call) => call.content);
    });
    const waiting = nextRunEvent(fairway, "run.waiting");
    await fairway.send({ name: "ops", data: {} });
    await waiting;
    await fairway.send({ name: "ticket/approved", data: { ticket: "B", by: "bo" } });
    await fairway.send({ name: "ticket/approved", data: { ticket: "A", by: "al" } });
    const output = await fairway.waitForRun(await onlyRun(fairway, "ops"));
    expect(output).toEqual([{ data: "A:al" }, { data: "noted" }, { data: "B:bo" }]);
    expect(plain).toBe(1);
    expect(model.calls).toBe(1);
    await fairway.close();
  });
});

describe("state changes of a tool that uses step (review)", () => {
  it("a change made before the tool's first step.* call happens once, on the first pass and on replay alike", async () => {
    const { fairway } = testFairway();
    const model = scriptedModel([{ toolCalls: [{ name: "count_then_wait", input: {} }] }]);
    const seen: number[] = [];
    const countThenWait = createTool({
      name: "count_then_wait",
      handler: async (_input, { network, step }) => {
        network.state.data.count = ((network.state.data.count as number | undefined) ?? 0) + 1;
        network.state.data.log = [...((network.state.data.log as string[] | undefined) ?? []), "visit"];
        seen.push(network.state.data.count as number);
        await step!.waitForEvent("resume", { event: "go/on", timeout: "1h" });
        return network.state.data.count;
      },
    });
    const agent = createAgent({ name: "a", system: "s", model, tools: [countThenWait] });
    const network = createNetwork({
      name: "counting",
      agents: [agent],
      router: ({ callCount }) => (callCount ? undefined : agent),
    });
    fairway.createFunction({ id: "count" }, { event: "go" }, async () => {
      const run = await network.run("start");
      return { data: run.state.data, content: run.state.results[0]?.toolCalls[0]?.content };
    });
    const waiting = nextRunEvent(fairway, "run.waiting");
    await fairway.send({ name: "go", data: {} });
    await waiting;
    await fairway.send({ name: "go/on", data: {} });
    const output = await fairway.waitForRun(await onlyRun(fairway, "count"));
    expect(output).toEqual({ data: { count: 1, log: ["visit"] }, content: { data: 1 } });
    // The refused attempt inside the step, the first pass outside it and the replay all saw the same state.
    expect(seen).toEqual([1, 1, 1]);
    await fairway.close();
  });
});
