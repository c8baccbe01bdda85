import { describe, expect, it } from "vitest";
import { sqliteHistory } from "../../src/agents/history/index.js";
import { createAgent, createNetwork } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";

describe("thread store size (review, R19)", () => {
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
