import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type AgentMessageChunk,
  ConfigError,
  createAgent,
  createNetwork,
  createState,
  createTool,
  toState,
} from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";

describe("state JSON and run options (review)", () => {
  it("a JSON state's `data` is what a client edits: it wins over the `_data` copy (AgentKit reads `data`)", () => {
    const json = JSON.parse(JSON.stringify(createState({ plan: "a" }, { threadId: "t" })));
    json.data.plan = "b";
    const state = toState(json);
    expect(state.data).toEqual({ plan: "b" });
    expect(state.threadId).toBe("t");
    // A state serialized by AgentKit (or by hand) with only `_data` still rehydrates.
    expect(toState({ _data: { plan: "c" } }).data).toEqual({ plan: "c" });
  });

  it("agent.run rejects a maxIter that is not a whole number >= 0, naming the field", async () => {
    const add = createTool({ name: "add", parameters: z.object({}), handler: () => 1 });
    const model = scriptedModel([{ toolCalls: [{ name: "add", input: {} }] }], { whenExhausted: "repeat" });
    const agent = createAgent({ name: "a", system: "s", model, tools: [add] });
    for (const maxIter of [Number.NaN, -1, 1.5]) {
      const error = await agent.run("go", { maxIter }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain("maxIter");
    }
    expect(model.calls).toBe(0);
  });

  it("every chunk carries the userId given to network.run and the thread id createThread made", async () => {
    const model = scriptedModel(["hi"]);
    const agent = createAgent({ name: "a", system: "s", model });
    const chunks: AgentMessageChunk[] = [];
    await createNetwork({
      name: "n",
      agents: [agent],
      router: ({ callCount }) => (callCount ? undefined : agent),
      history: { createThread: () => ({ threadId: "made-1" }) },
    }).run("hello", { userId: "tenant-7", streaming: { publish: (chunk) => void chunks.push(chunk) } });
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) expect(chunk.data).toMatchObject({ threadId: "made-1", userId: "tenant-7" });
  });
});
