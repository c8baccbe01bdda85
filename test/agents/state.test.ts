import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type AgentMessageChunk,
  AgentResult,
  ConfigError,
  createAgent,
  createNetwork,
  createState,
  createTool,
  State,
  toState,
} from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";

const result = (name: string, text: string, id?: string) =>
  new AgentResult(
    name,
    [{ type: "text", role: "assistant", content: text }],
    [],
    new Date("2026-01-02T03:04:05Z"),
    [],
    [],
    "",
    id,
  );

describe("State", () => {
  it("data is typed and mutable; kv is a view of data", () => {
    const state = createState<{ plan?: string[]; userId: string }>({ userId: "u1" });
    state.data.plan = ["a"];
    expect(state.kv.get("plan")).toEqual(["a"]);
    state.kv.set("plan", ["b"]);
    expect(state.data.plan).toEqual(["b"]);
    expect(state.kv.has("plan")).toBe(true);
    expect(state.kv.delete("plan")).toBe(true);
    expect(state.data.plan).toBeUndefined();
    expect(state.kv.all()).toEqual({ userId: "u1" });
    expect(state.kv.has("toString")).toBe(false);
  });

  it("results and messages are copies; formatHistory is messages then outputs and tool results", () => {
    const state = createState(
      {},
      { messages: [{ type: "text", role: "user", content: "earlier" }], results: [result("A", "hi")] },
    );
    state.results.push(result("B", "ignored"));
    expect(state.results).toHaveLength(1);
    expect(state.formatHistory()).toEqual([
      { type: "text", role: "user", content: "earlier" },
      { type: "text", role: "assistant", content: "hi" },
    ]);
  });

  it("clone keeps data, results, messages and threadId, and is independent", () => {
    const state = createState({ n: 1 }, { threadId: "t", results: [result("A", "x")] });
    const copy = state.clone();
    copy.data.n = 2;
    copy.appendResult(result("B", "y"));
    expect(state.data.n).toBe(1);
    expect(state.results).toHaveLength(1);
    expect(copy).toMatchObject({ threadId: "t", data: { n: 2 } });
    expect(copy.kv.get("n")).toBe(2);
  });

  it("rehydrates from JSON (as after a step), keeping threadId and rebuilding AgentResults", () => {
    const state = createState(
      { n: 1 },
      {
        threadId: "t1",
        messages: [{ type: "text", role: "user", content: "m" }],
        results: [result("A", "x", "r1")],
      },
    );
    const back = toState(JSON.parse(JSON.stringify(state)));
    expect(back).toBeInstanceOf(State);
    expect(back.threadId).toBe("t1");
    expect(back.data).toEqual({ n: 1 });
    expect(back.messages).toEqual(state.messages);
    expect(back.results[0]).toBeInstanceOf(AgentResult);
    expect(back.results[0]!.createdAt).toEqual(new Date("2026-01-02T03:04:05Z"));
    expect(back.results[0]!.checksum).toBe(state.results[0]!.checksum);
  });

  it("network.run accepts a JSON state: old results first, then new ones, in order", async () => {
    const model = scriptedModel(["new answer"]);
    const a = createAgent({ name: "A", system: "sys", model });
    const state = createState({ n: 1 }, { results: [result("A", "old answer")] });
    const json = JSON.parse(JSON.stringify(state));
    const run = await createNetwork({
      name: "n",
      agents: [a],
      router: ({ callCount }) => (callCount ? undefined : a),
    }).run("now", { state: json });
    expect(run.state.results.map((r) => r.output[0])).toMatchObject([
      { content: "old answer" },
      { content: "new answer" },
    ]);
    // Earlier results come before the current user message.
    expect(model.requests[0]!.messages.map((m) => (m.type === "text" ? m.content : m.type))).toEqual([
      "sys",
      "old answer",
      "now",
    ]);
  });
});

describe("state JSON and run options", () => {
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
