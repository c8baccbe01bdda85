import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../../src/index.js";
import { startFakeOpenAi } from "../../test/helpers/fake-provider/index.js";
import { citedSources } from "./citation.js";
import { loadCorpus } from "./corpus.js";
import { CorpusIndex } from "./corpus-index.js";
import { createResearchNetwork, finalAnswer } from "./network.js";
import { offlineModel } from "./offline-model.js";
import { selectModel } from "./select-model.js";

const index = new CorpusIndex(loadCorpus());

describe("the research network (outside a durable function)", () => {
  it("researches with tools, then the writer answers citing the source", async () => {
    const requests: ModelRequest[] = [];
    const inner = offlineModel();
    const model = {
      ...inner,
      generate: (request: ModelRequest) => {
        requests.push(request);
        return inner.generate(request);
      },
    };
    const network = createResearchNetwork(index, model);
    const run = await network.run("How do I get the next 10 run times of a scheduled cron job?");
    expect(run.state.results.map((result) => result.agentName)).toEqual([
      "Research Agent",
      "Research Agent",
      "Research Agent",
      "Writer Agent",
    ]);
    const calls = run.state.results.flatMap((result) => result.toolCalls.map((call) => call.tool.name));
    expect(calls).toEqual(["search", "read_file"]);
    const answer = finalAnswer(run.state.results);
    expect(answer).toMatch(/^\[offline, not an LLM\]/);
    expect(citedSources(answer)).toEqual(["croner/README.md"]);
    expect(requests.at(-1)?.tools ?? []).toEqual([]);
  });

  it("hands over to the writer when research keeps calling tools past the limit", async () => {
    let turn = 0;
    const looping = {
      format: "test",
      modelName: "always-search",
      generate: async (request: ModelRequest) => {
        turn++;
        if (request.tools?.length) {
          return {
            output: [
              {
                type: "tool_call" as const,
                role: "assistant" as const,
                tools: [{ type: "tool" as const, id: `c${turn}`, name: "search", input: { query: "cron" } }],
                stop_reason: "tool" as const,
              },
            ],
            stopReason: "tool" as const,
            usage: {},
            raw: null,
          };
        }
        return {
          output: [
            { type: "text" as const, role: "assistant" as const, content: "done\nSource: croner/README.md" },
          ],
          stopReason: "stop" as const,
          usage: {},
          raw: null,
        };
      },
    };
    const run = await createResearchNetwork(index, looping).run("cron?");
    expect(run.state.results.map((result) => result.agentName)).toEqual([
      ...Array(4).fill("Research Agent"),
      "Writer Agent",
    ]);
    expect(finalAnswer(run.state.results)).toBe("done\nSource: croner/README.md");
  });

  it("runs on a real model API: an OpenAI-compatible server from FAIRWAY_BASE_URL (a local fake here)", async () => {
    const server = await startFakeOpenAi([
      { toolCalls: [{ id: "call_1", name: "search", arguments: { query: "ulid monotonic" } }] },
      {
        toolCalls: [{ id: "call_2", name: "read_file", arguments: { path: "ulid/README.md", length: 2000 } }],
      },
      { text: "monotonicFactory() keeps ULIDs increasing within one millisecond (ulid/README.md)." },
      { text: "Use `monotonicFactory()`.\nSource: ulid/README.md" },
    ]);
    try {
      const { model, offline } = selectModel({
        FAIRWAY_BASE_URL: server.baseUrl,
        FAIRWAY_MODEL: "local-model",
      });
      expect(offline).toBe(false);
      const run = await createResearchNetwork(index, model).run("How do I generate monotonic ULIDs?");
      expect(citedSources(finalAnswer(run.state.results))).toEqual(["ulid/README.md"]);
      const second = server.requests[1]?.body;
      const toolReply = second.messages.find((message: { role: string }) => message.role === "tool");
      expect(toolReply.tool_call_id).toBe("call_1");
      expect(JSON.parse(toolReply.content).data.hits[0].path).toBe("ulid/README.md");
      expect(server.requests[3]?.body.tools).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
