import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sqliteHistory } from "../../src/agents/history/index.js";
import {
  type AgentMessageChunk,
  createAgent,
  createNetwork,
  createTool,
  type Model,
  ModelCallError,
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
