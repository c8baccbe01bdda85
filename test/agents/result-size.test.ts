import { describe, expect, it } from "vitest";
import { sqliteHistory } from "../../src/agents/history/index.js";
import { createAgent, createNetwork } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";

describe("thread store size (R19)", () => {
  it("stores each message once: a result's stored form leaves out the prompt and history it was sent", async () => {
    const history = sqliteHistory({ path: ":memory:" });
    const model = scriptedModel(["one", "two", "three"]);
    const agent = createAgent({ name: "a", system: "a long system prompt", model });
    const network = createNetwork({
      name: "chat",
      agents: [agent],
      history,
      router: ({ callCount }) => (callCount ? undefined : agent),
    });
    for (const input of ["first question", "second question", "third question"]) {
      await network.run(input, { userId: "u", threadId: "t" });
    }
    // The third model call saw the whole conversation: the store is what let it.
    expect(model.requests[2]?.messages.length).toBe(6);
    const stored = await history.getThread("u", "t");
    expect(stored.map((r) => r.agentName)).toEqual(["user", "a", "user", "a", "user", "a"]);
    for (const result of stored) {
      expect(result.prompt).toEqual([]);
      expect(result.history).toEqual([]);
    }
    expect(stored.at(-1)?.output).toEqual([
      { type: "text", role: "assistant", content: "three", stop_reason: "stop" },
    ]);
    history.close();
  });
});

describe("run output size (R30)", () => {
  it("a handler returning network.run(input) of 16 calls that all saw a 300 KB tool output fits the 4 MB output limit", async () => {
    const { testFairway, onlyRun } = await import("./helpers/engine.js");
    const { createTool } = await import("../../src/index.js");
    const { fairway } = testFairway("memory");
    const big = "x".repeat(300_000);
    const read = createTool({ name: "read_file", handler: () => big });
    const model = scriptedModel([{ toolCalls: [{ name: "read_file" }] }, "summary"], {
      whenExhausted: "repeat",
    });
    const reader = createAgent({ name: "reader", system: "s", model, tools: [read] });
    const network = createNetwork({
      name: "long",
      agents: [reader],
      router: ({ callCount }) => (callCount < 16 ? reader : undefined),
    });
    fairway.createFunction({ id: "long" }, { event: "long" }, async () => network.run("go"));
    await fairway.send({ name: "long", data: {} });
    const output = (await fairway.waitForRun(await onlyRun(fairway, "long"))) as { callCount: number };
    expect(output.callCount).toBe(16);
    await fairway.close();
  });
});
