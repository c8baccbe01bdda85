import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sqliteHistory } from "../../src/agents/history/index.js";
import {
  type AgentMessageChunk,
  createAgent,
  createNetwork,
  createRoutingAgent,
  createTool,
  type Model,
  ModelCallError,
  type StateJSON,
} from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";
import { nextRunEvent, onlyRun, testFairway } from "./helpers/engine.js";

describe("agents inside a Fairway function", () => {
  it("makes each inference, tool call and routing decision a step; a resumed network repeats none (human in the loop)", async () => {
    const { fairway } = testFairway();
    const model = scriptedModel([
      { toolCalls: [{ name: "record", input: { note: "draft" } }] },
      { toolCalls: [{ name: "approve", input: { ticket: "T-1" } }] },
    ]);
    let recordCalls = 0;
    let routerCalls = 0;
    const record = createTool({
      name: "record",
      parameters: z.object({ note: z.string() }),
      handler: ({ note }, { network }) => {
        recordCalls++;
        network.state.data.note = note;
        return `recorded ${note}`;
      },
    });
    const approve = createTool({
      name: "approve",
      parameters: z.object({ ticket: z.string() }),
      handler: async ({ ticket }, { step }) => {
        const event = await step!.waitForEvent("approval", {
          event: "ticket/approved",
          timeout: "1h",
          if: `async.data.ticket == "${ticket}"`,
        });
        return event ? `approved by ${event.data.by}` : "timed out";
      },
    });
    const writer = createAgent({ name: "writer", system: "s", model, tools: [record] });
    const reviewer = createAgent({ name: "reviewer", system: "s", model, tools: [approve] });
    const network = createNetwork({
      name: "review",
      agents: [writer, reviewer],
      router: ({ callCount, network: run }) => {
        routerCalls++;
        if (callCount === 0) return writer;
        // Reads what the tool wrote: on replay the change must be there without running the tool again.
        if (callCount === 1 && run.state.data.note === "draft") return reviewer;
        return undefined;
      },
    });
    const chunks: AgentMessageChunk[] = [];
    fairway.createFunction({ id: "review-fn" }, { event: "review/start" }, async ({ event }) => {
      const run = await network.run(event.data.input as string, {
        streaming: { publish: (chunk) => void chunks.push(chunk) },
      });
      return {
        note: run.state.data.note,
        results: run.state.results.map((r) => r.toolCalls.map((t) => t.content)),
      };
    });
    const waiting = nextRunEvent(fairway, "run.waiting");
    await fairway.send({ name: "review/start", data: { input: "write it" } });
    await waiting;
    const firstPass = chunks.length;
    await fairway.send({ name: "ticket/approved", data: { ticket: "T-1", by: "ann" } });
    const output = await fairway.waitForRun(await onlyRun(fairway, "review-fn"));

    expect(output).toEqual({
      note: "draft",
      results: [[{ data: "recorded draft" }], [{ data: "approved by ann" }]],
    });
    expect(model.calls).toBe(2);
    expect(recordCalls).toBe(1);
    expect(routerCalls).toBe(3);
    const steps = (await fairway.getRunSteps(await onlyRun(fairway, "review-fn"))).map((s) => s.id);
    expect(steps).toEqual([
      "review/route-0/decide",
      "review/0-writer/turn-0/infer",
      "review/0-writer/turn-0/tool-0-record",
      "review/route-1/decide",
      "review/1-reviewer/turn-0/infer",
      "review/1-reviewer/turn-0/tool-0-approve",
      "review/1-reviewer/turn-0/tool-0-approve/approval",
      "review/route-2/decide",
    ]);

    // The replay republished the chunks that are not inside a step with the same ids and numbers.
    const byId = new Map<string, AgentMessageChunk>();
    for (const chunk of chunks) {
      const seen = byId.get(chunk.id);
      if (seen) expect({ ...chunk, timestamp: 0 }).toEqual({ ...seen, timestamp: 0 });
      else byId.set(chunk.id, chunk);
    }
    expect(chunks.length).toBeGreaterThan(firstPass);
    const unique = [...byId.values()].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    expect(unique.map((c) => c.sequenceNumber)).toEqual(unique.map((_, i) => i));
    expect(unique.at(-1)?.event).toBe("stream.ended");
    await fairway.close();
  });

  it("calls a Fairway function given in tools through step.invoke", async () => {
    const { fairway } = testFairway();
    const lookup = fairway.createFunction(
      { id: "lookup-price", name: "Look up a price" },
      { event: "price/lookup" },
      async ({ event }) => ({
        sku: event.data.sku,
        price: 42,
      }),
    );
    const model = scriptedModel([
      { toolCalls: [{ name: "lookup-price", input: { sku: "A1" } }] },
      "It costs 42.",
    ]);
    const agent = createAgent({ name: "shop", system: "s", model, tools: [lookup] });
    fairway.createFunction({ id: "shop-fn" }, { event: "shop/ask" }, async () => {
      const result = await agent.run("price of A1?", { maxIter: 2 });
      return result.output
        .filter((m) => m.type === "tool_result")
        .map((m) => (m.type === "tool_result" ? m.content : null));
    });
    expect(model.requests.length).toBe(0);
    await fairway.send({ name: "shop/ask", data: {} });
    const output = await fairway.waitForRun(await onlyRun(fairway, "shop-fn"));
    expect(output).toEqual([{ data: { sku: "A1", price: 42 } }]);
    expect(model.requests[0]!.tools?.[0]).toMatchObject({
      name: "lookup-price",
      description: "Look up a price",
    });
    await fairway.close();
  });

  it("retries a retryable model error as a step and fails at once on a non-retryable one", async () => {
    const { fairway } = testFairway();
    const transient = new ModelCallError("overloaded", {
      provider: "scripted",
      model: "m",
      status: 503,
      isRetryable: true,
    });
    const fatal = new ModelCallError("bad request", {
      provider: "scripted",
      model: "m",
      status: 400,
      isRetryable: false,
    });
    const flaky = scriptedModel([{ error: transient }, "recovered"]);
    const broken = scriptedModel([{ error: fatal }, "never"]);
    fairway.createFunction({ id: "flaky", retries: 2 }, { event: "go/flaky" }, async () => {
      const result = await createAgent({ name: "a", system: "s", model: flaky }).run("x");
      return result.output[0];
    });
    fairway.createFunction({ id: "broken", retries: 2 }, { event: "go/broken" }, async () =>
      createAgent({ name: "a", system: "s", model: broken }).run("x"),
    );
    await fairway.send([
      { name: "go/flaky", data: {} },
      { name: "go/broken", data: {} },
    ]);
    await expect(fairway.waitForRun(await onlyRun(fairway, "flaky"))).resolves.toMatchObject({
      content: "recovered",
    });
    expect(flaky.calls).toBe(2);
    await expect(fairway.waitForRun(await onlyRun(fairway, "broken"))).rejects.toThrow(/bad request/);
    expect(broken.calls).toBe(1);
    await fairway.close();
  });

  it("gives two network runs in one function distinct step ids", async () => {
    const { fairway } = testFairway("memory");
    const model = scriptedModel(["one", "two"]);
    const agent = createAgent({ name: "a", system: "s", model });
    const network = createNetwork({
      name: "n",
      agents: [agent],
      router: ({ callCount }) => (callCount ? undefined : agent),
    });
    fairway.createFunction({ id: "twice" }, { event: "twice" }, async () => {
      const first = await network.run("1");
      const second = await network.run("2");
      return [first.state.results[0]!.output[0], second.state.results[0]!.output[0]];
    });
    await fairway.send({ name: "twice", data: {} });
    const runId = await onlyRun(fairway, "twice");
    await expect(fairway.waitForRun(runId)).resolves.toMatchObject([{ content: "one" }, { content: "two" }]);
    const names = (await fairway.getRunSteps(runId)).map((s) => s.id);
    expect(names).toContain("n#1/0-a/turn-0/infer");
    expect(new Set(names).size).toBe(names.length);
    await fairway.close();
  });

  it("runs a tool's own step.run once across replays, and its code outside steps again (like handler code)", async () => {
    const { fairway, clock } = testFairway("memory");
    let bodyRuns = 0;
    let sideEffects = 0;
    const charge = createTool({
      name: "charge",
      parameters: z.object({ cents: z.number() }),
      handler: async ({ cents }, { step }) => {
        bodyRuns++;
        const receipt = await step!.run("charge-card", () => {
          sideEffects++;
          return `receipt for ${cents}`;
        });
        await step!.sleep("settle", "1m");
        return receipt;
      },
    });
    const model = scriptedModel([{ toolCalls: [{ name: "charge", input: { cents: 500 } }] }]);
    const agent = createAgent({ name: "billing", system: "s", model, tools: [charge] });
    fairway.createFunction(
      { id: "bill" },
      { event: "bill" },
      async () => (await agent.run("charge 5 dollars")).toolCalls[0]!.content,
    );
    const sleeping = nextRunEvent(fairway, "run.sleeping");
    await fairway.send({ name: "bill", data: {} });
    await sleeping;
    await clock.advance("1m");
    await expect(fairway.waitForRun(await onlyRun(fairway, "bill"))).resolves.toEqual({
      data: "receipt for 500",
    });
    expect(sideEffects).toBe(1);
    expect(model.calls).toBe(1);
    // First execution: refused inside the wrapping step, then run outside it; the replay runs it once more.
    expect(bodyRuns).toBe(3);
    const ids = (await fairway.getRunSteps(await onlyRun(fairway, "bill"))).map((s) => s.id);
    expect(ids).toEqual([
      "billing/turn-0/infer",
      "billing/turn-0/tool-0-charge",
      "billing/turn-0/tool-0-charge/charge-card",
      "billing/turn-0/tool-0-charge/settle",
    ]);
    await fairway.close();
  });

  it("runs an agent called from inside a tool (agent as tool) without nesting steps, once", async () => {
    const { fairway, clock } = testFairway("memory");
    const innerModel = scriptedModel(["inner answer"]);
    const inner = createAgent({ name: "inner", system: "s", model: innerModel });
    const ask = createTool({
      name: "ask_inner",
      parameters: z.object({ q: z.string() }),
      handler: async ({ q }, { step }) => {
        const answer = await inner.run(q);
        await step!.sleep("after", "1m"); // forces a replay
        return answer.output[0];
      },
    });
    const outerModel = scriptedModel([{ toolCalls: [{ name: "ask_inner", input: { q: "hi" } }] }]);
    const outer = createAgent({ name: "outer", system: "s", model: outerModel, tools: [ask] });
    fairway.createFunction(
      { id: "nested" },
      { event: "nested" },
      async () => (await outer.run("go")).toolCalls[0]!.content,
    );
    const sleeping = nextRunEvent(fairway, "run.sleeping");
    await fairway.send({ name: "nested", data: {} });
    await sleeping;
    await clock.advance("1m");
    const runId = await onlyRun(fairway, "nested");
    await expect(fairway.waitForRun(runId)).resolves.toEqual({
      data: { type: "text", role: "assistant", content: "inner answer", stop_reason: "stop" },
    });
    expect(innerModel.calls).toBe(1);
    expect(outerModel.calls).toBe(1);
    expect((await fairway.getRunSteps(runId)).map((s) => s.id)).toEqual([
      "outer/turn-0/infer",
      "outer/turn-0/tool-0-ask_inner",
      "outer/turn-0/tool-0-ask_inner/inner/turn-0/infer",
      "outer/turn-0/tool-0-ask_inner/after",
    ]);
    await fairway.close();
  });

  it("stores a thread once when a durable run replays (R19), and a second turn loads it before the new message", async () => {
    const { fairway, clock } = testFairway("memory");
    const history = sqliteHistory();
    const pause = createTool({
      name: "pause",
      handler: async (_input, { step }) => {
        await step!.sleep("wait", "1m"); // forces a replay of the whole network
        return "resumed";
      },
    });
    const model = scriptedModel([{ toolCalls: [{ name: "pause" }] }, "second turn"]);
    const agent = createAgent({ name: "a", system: "s", model, tools: [pause] });
    const network = createNetwork({
      name: "chat",
      agents: [agent],
      history,
      router: ({ callCount }) => (callCount ? undefined : agent),
    });
    fairway.createFunction({ id: "chat" }, { event: "chat" }, async ({ event }) => {
      const run = await network.run(event.data.text as string, {
        userId: "u1",
        threadId: event.data.threadId as string | undefined,
      });
      return run.state.threadId;
    });
    const sleeping = nextRunEvent(fairway, "run.sleeping");
    await fairway.send({ name: "chat", data: { text: "first" } });
    await sleeping;
    await clock.advance("1m");
    const threadId = (await fairway.waitForRun(await onlyRun(fairway, "chat"))) as string;
    expect((await history.getThread("u1", threadId)).map((r) => r.agentName)).toEqual(["user", "a"]);

    await fairway.send({ name: "chat", data: { text: "second", threadId } });
    const { runs } = await fairway.listRuns({ functionId: "chat" });
    await fairway.waitForRun(runs.find((run) => run.event.data.text === "second")!.id);
    expect(model.calls).toBe(2);
    expect(
      model.requests[1]!.messages.map((m) => (m.type === "text" ? `${m.role}:${m.content}` : m.type)),
    ).toEqual(["system:s", "user:first", "tool_call", "tool_result", "user:second"]);
    expect((await history.getThread("u1", threadId)).map((r) => r.agentName)).toEqual([
      "user",
      "a",
      "user",
      "a",
    ]);
    await history.close();
    await fairway.close();
  });

  it("streams a retried model call under new ids after part.failed, and publishes each chunk id once", async () => {
    const { fairway } = testFairway("memory");
    let calls = 0;
    const model: Model = {
      format: "flaky-stream",
      modelName: "flaky-stream",
      async generate(request) {
        calls++;
        request.onDelta?.({ type: "text.delta", partId: "p", delta: calls === 1 ? "Hel" : "Hello" });
        if (calls === 1)
          throw new ModelCallError("connection reset", { provider: "x", model: "y", isRetryable: true });
        return {
          output: [{ type: "text", role: "assistant", content: "Hello" }],
          stopReason: "stop",
          usage: {},
          raw: {},
        };
      },
    };
    const chunks: AgentMessageChunk[] = [];
    const agent = createAgent({ name: "a", system: "s", model });
    fairway.createFunction(
      { id: "stream-retry", retries: 1 },
      { event: "go" },
      async () =>
        (await agent.run("hi", { streaming: { publish: (chunk) => void chunks.push(chunk) } })).output[0],
    );
    await fairway.send({ name: "go", data: {} });
    await expect(fairway.waitForRun(await onlyRun(fairway, "stream-retry"))).resolves.toMatchObject({
      content: "Hello",
    });
    const failed = chunks.find((c) => c.event === "part.failed");
    const completed = chunks.find((c) => c.event === "part.completed");
    expect(failed?.data).toMatchObject({ type: "text", error: expect.stringContaining("connection reset") });
    expect(completed?.data).toMatchObject({ type: "text", finalContent: "Hello" });
    expect(completed?.data.partId).not.toBe(failed?.data.partId);
    const deltas = chunks.filter((c) => c.event === "text.delta");
    expect(new Set(deltas.map((c) => c.id)).size).toBe(2);
    await fairway.close();
  });

  it("outside a Fairway function, a function tool answers with an { error } (there is no engine to invoke through)", async () => {
    const { fairway } = testFairway("memory");
    const fn = fairway.createFunction({ id: "lookup" }, { event: "lookup" }, async () => 1);
    const model = scriptedModel([{ toolCalls: [{ name: "lookup", input: {} }] }]);
    const result = await createAgent({ name: "a", system: "s", model, tools: [fn] }).run("x");
    expect(result.toolCalls[0]!.content).toMatchObject({
      error: { name: "ToolCallError", code: "tool_call_failed" },
    });
    await fairway.close();
  });

  it("a network run returned as the function output is stored as plain data without models", async () => {
    const { fairway } = testFairway("memory");
    const agent = createAgent({ name: "a", system: "s", model: scriptedModel(["hi"]) });
    const network = createNetwork({
      name: "n",
      agents: [agent],
      router: ({ callCount }) => (callCount ? undefined : agent),
    });
    fairway.createFunction({ id: "f" }, { event: "e" }, async () => (await network.run("x")).toJSON());
    await fairway.send({ name: "e", data: {} });
    const output = (await fairway.waitForRun(await onlyRun(fairway, "f"))) as Record<string, unknown>;
    expect(output).toMatchObject({ name: "n", callCount: 1, stopReason: "router", state: { data: {} } });
    expect(JSON.stringify(output)).not.toContain("sk-secret-123");
    expect((output.state as { _results: unknown[] })._results).toHaveLength(1);
    await fairway.close();
  });
});

/** A tool that pauses the run until a `go/on` event arrives. */
const waitTool = createTool({
  name: "wait",
  parameters: z.object({}),
  handler: async (_input, { step }) => {
    const event = await step!.waitForEvent("resume", { event: "go/on", timeout: "1h" });
    return event ? "resumed" : "timed out";
  },
});

describe("durable routing across replays", () => {
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

describe("history hooks that use step themselves", () => {
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

describe("parallel tool calls in a durable run", () => {
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

describe("state changes of a tool that uses step", () => {
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
