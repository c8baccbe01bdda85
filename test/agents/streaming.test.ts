import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createAgent, createNetwork, createTool } from "../../src/index.js";
import { type AgentMessageChunk, AgentMessageChunkSchema } from "../../src/streaming/index.js";
import { scriptedModel } from "../../src/testing/index.js";

function collector() {
  const chunks: AgentMessageChunk[] = [];
  return {
    chunks,
    streaming: { publish: (chunk: AgentMessageChunk) => void chunks.push(chunk), now: () => 1_000 },
  };
}

const weather = createTool({
  name: "weather",
  parameters: z.object({ city: z.string() }),
  handler: ({ city }) => `sunny in ${city}`,
});

describe("streaming", () => {
  it("publishes AgentKit's event sequence for a two-agent network, with real token deltas", async () => {
    const model = scriptedModel(
      [{ toolCalls: [{ name: "weather", input: { city: "Oslo" } }] }, "It is sunny."],
      { chunkSize: 5 },
    );
    const a = createAgent({ name: "A", system: "s", model, tools: [weather] });
    const b = createAgent({ name: "B", system: "s", model });
    const { chunks, streaming } = collector();
    const network = createNetwork({
      name: "net",
      agents: [a, b],
      router: ({ callCount }) => [a, b][callCount],
    });
    const run = await network.run("weather?", { streaming, userId: "u1", threadId: "t1" });

    for (const chunk of chunks) expect(AgentMessageChunkSchema.parse(chunk)).toEqual(chunk);
    expect(chunks.map((c) => c.sequenceNumber)).toEqual(chunks.map((_, i) => i));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
    for (const chunk of chunks) expect(chunk.data).toMatchObject({ threadId: "t1", userId: "u1" });

    const names = chunks.map((c) =>
      c.event === "part.created" || c.event === "part.completed" ? `${c.event}(${c.data.type})` : c.event,
    );
    const collapsed = names.filter((name, i) => !(name.endsWith(".delta") && name === names[i - 1]));
    expect(collapsed).toEqual([
      "run.started",
      "run.started",
      "part.created(tool-call)",
      "tool_call.arguments.delta",
      "part.completed(tool-call)",
      "part.created(tool-output)",
      "tool_call.output.delta",
      "part.completed(tool-output)",
      "run.completed",
      "run.started",
      "part.created(text)",
      "text.delta",
      "part.completed(text)",
      "run.completed",
      "run.completed",
      "stream.ended",
    ]);
    // Deltas are the model's own stream (5-char pieces), and reassemble to the final content.
    const textDeltas = chunks.filter((c) => c.event === "text.delta").map((c) => c.data.delta);
    expect(textDeltas).toEqual(["It is", " sunn", "y."]);
    const argDeltas = chunks.filter((c) => c.event === "tool_call.arguments.delta").map((c) => c.data.delta);
    expect(JSON.parse(argDeltas.join(""))).toEqual({ city: "Oslo" });
    const output = chunks.find((c) => c.event === "part.completed" && c.data.type === "tool-output");
    expect(output?.data.finalContent).toEqual({ data: "sunny in Oslo" });
    // Agent runs name the network run as parent.
    const [networkStart, agentStart] = chunks;
    expect(agentStart!.data.parentRunId).toBe(networkStart!.data.runId);
    expect(run.state.results).toHaveLength(2);
  });

  it("publishes whole output when the model does not stream deltas, chunked when asked", async () => {
    const model = {
      format: "plain",
      modelName: "plain",
      generate: async () => ({
        output: [{ type: "text" as const, role: "assistant" as const, content: "x".repeat(120) }],
        stopReason: "stop" as const,
        usage: {},
        raw: {},
      }),
    };
    const agent = createAgent({ name: "A", system: "s", model });
    const { chunks, streaming } = collector();
    await agent.run("hi", { streaming: { ...streaming, simulateChunking: true } });
    expect(
      chunks.filter((c) => c.event === "text.delta").map((c) => (c.data.delta as string).length),
    ).toEqual([50, 50, 20]);
    expect(chunks.map((c) => c.event).at(-1)).toBe("stream.ended");
    expect(chunks[0]).toMatchObject({ event: "run.started", data: { scope: "agent", name: "A" } });
  });

  it("publishes run.failed then stream.ended when a run fails; publish errors never fail a run", async () => {
    const model = scriptedModel([{ error: new Error("provider down") }]);
    const agent = createAgent({ name: "A", system: "s", model });
    const { chunks, streaming } = collector();
    const network = createNetwork({
      name: "n",
      agents: [agent],
      router: ({ callCount }) => (callCount ? undefined : agent),
    });
    await expect(network.run("x", { streaming })).rejects.toThrow("provider down");
    expect(chunks.map((c) => c.event)).toEqual([
      "run.started",
      "run.started",
      "run.failed",
      "run.failed",
      "stream.ended",
    ]);
    expect(chunks[2]!.data).toMatchObject({ scope: "agent", error: "provider down", recoverable: false });

    const errors: unknown[] = [];
    const ok = createAgent({ name: "B", system: "s", model: scriptedModel(["fine"]) });
    const result = await ok.run("x", {
      streaming: {
        publish: () => {
          throw new Error("transport down");
        },
        onError: (error) => errors.push(error),
      },
    });
    expect(result.output[0]).toMatchObject({ content: "fine" });
    expect(errors.length).toBeGreaterThan(0);
  });
});
