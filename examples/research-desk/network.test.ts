import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../../src/models/spec.js";
import { citedSources } from "./citation.js";
import { loadCorpus } from "./corpus.js";
import { CorpusIndex } from "./corpus-index.js";
import { createResearchNetwork, finalAnswer } from "./network.js";
import { offlineModel } from "./offline-model.js";

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
});
