import { describe, expect, it } from "vitest";
import type { Message, ModelDelta } from "../../src/index.js";
import { ConfigError } from "../../src/index.js";
import type { ToolDefinition } from "../../src/models/index.js";
import { citesSource } from "./citation.js";
import { loadCorpus } from "./corpus.js";
import { CorpusIndex } from "./corpus-index.js";
import { offlineModel } from "./offline-model.js";
import { OFFLINE_LABEL } from "./offline-policy.js";
import { loadQuestions } from "./questions.js";
import { researchToolSpecs } from "./research-tools.js";

const index = new CorpusIndex(loadCorpus());
const specs = researchToolSpecs(index);
const tools: ToolDefinition[] = specs.map((spec) => ({ name: spec.name, parameters: spec.parameters }));

/** A bare tool loop (what an agent does), so the model can be measured on its own. */
async function ask(question: string, onDelta?: (delta: ModelDelta) => void) {
  const model = offlineModel();
  const messages: Message[] = [
    { type: "text", role: "system", content: "You research questions about the corpus." },
    { type: "text", role: "user", content: question },
  ];
  const calls: string[] = [];
  for (let turn = 0; turn < 5; turn++) {
    const response = await model.generate({ messages, tools, ...(onDelta ? { onDelta } : {}) });
    messages.push(...response.output);
    const call = response.output.find((message) => message.type === "tool_call");
    if (call?.type !== "tool_call") {
      const text = response.output[0];
      return { answer: text?.type === "text" ? String(text.content) : "", calls, response };
    }
    for (const tool of call.tools) {
      calls.push(tool.name);
      const spec = specs.find((candidate) => candidate.name === tool.name);
      const data = spec?.handler(spec.parameters.parse(tool.input) as never);
      messages.push({
        type: "tool_result",
        role: "tool_result",
        tool,
        content: { data },
        stop_reason: "tool",
      });
    }
  }
  throw new Error("the offline model did not answer within 5 turns");
}

describe("offlineModel", () => {
  it("says what it is: not an LLM, in its name and at the start of every answer", async () => {
    const model = offlineModel({ latencyMs: 25, sleep: async () => {} });
    expect(model.format).toBe("offline");
    expect(model.modelName).toBe("keyword-policy (offline, not an LLM, simulated 25 ms per turn)");
    const { answer } = await ask("How can I make a cron job run in a specific timezone?");
    expect(answer.startsWith(OFFLINE_LABEL)).toBe(true);
  });

  it("follows its plan: search with the keywords, read the top hit, answer with a passage and its source", async () => {
    const { answer, calls } = await ask("How can I make a cron job run in a specific timezone?");
    expect(calls).toEqual(["search", "read_file"]);
    expect(answer).toMatch(/timezone: 'Asia\/Kolkata'|Timezone in Europe\/Stockholm format/);
    expect(answer.trimEnd().endsWith("Source: croner/README.md")).toBe(true);
  });

  it("builds the search call from the question's keywords and reads from the hit's offset", async () => {
    const model = offlineModel();
    const question: Message = { type: "text", role: "user", content: "How do I decode a ULID timestamp?" };
    const first = await model.generate({ messages: [question], tools });
    const call = first.output[0];
    expect(call).toMatchObject({
      type: "tool_call",
      tools: [{ name: "search", input: { query: "decode ulid timestamp" } }],
    });
    if (call?.type !== "tool_call" || !call.tools[0]) throw new Error("expected a tool call");
    const hits = index.search("decode ulid timestamp");
    const result: Message = {
      type: "tool_result",
      role: "tool_result",
      tool: call.tools[0],
      content: { data: { hits } },
      stop_reason: "tool",
    };
    const second = await model.generate({ messages: [question, call, result], tools });
    expect(second.output[0]).toMatchObject({
      tools: [{ name: "read_file", input: { path: "ulid/README.md", offset: hits[0]?.offset } }],
    });
  });

  it("is deterministic: the same conversation gives the same output and call ids", async () => {
    const messages: Message[] = [{ type: "text", role: "user", content: "What does ms('2 days') return?" }];
    const a = await offlineModel().generate({ messages, tools });
    const b = await offlineModel().generate({ messages, tools });
    expect(a.output).toEqual(b.output);
  });

  it("streams text and tool-call arguments through onDelta, assembling to the final output", async () => {
    const deltas: ModelDelta[] = [];
    const { answer } = await ask("How do I check whether a string is a valid ULID?", (delta) =>
      deltas.push(delta),
    );
    expect(
      deltas
        .filter((d) => d.type === "tool_call.started")
        .map((d) => d.type === "tool_call.started" && d.toolName),
    ).toEqual(["search", "read_file"]);
    const text = deltas.flatMap((d) => (d.type === "text.delta" ? [d.delta] : [])).join("");
    expect(text).toBe(answer);
    expect(deltas.filter((d) => d.type === "text.delta").length).toBeGreaterThan(3);
  });

  it("answers without tools from evidence already in the conversation, and admits when there is none", async () => {
    const model = offlineModel();
    const none = await model.generate({ messages: [{ type: "text", role: "user", content: "zzqx wvvy?" }] });
    expect(none.output[0]).toMatchObject({
      type: "text",
      content: expect.stringContaining("found no passage"),
    });
    expect(none.stopReason).toBe("stop");
  });

  it("honours an aborted signal and rejects a negative latency with a ConfigError", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(offlineModel().generate({ messages: [], signal: controller.signal })).rejects.toThrow();
    expect(() => offlineModel({ latencyMs: -1 })).toThrow(ConfigError);
  });

  it("cites the right file for at least 80% of the checked-in questions", async () => {
    const questions = loadQuestions(new Set(index.listFiles().map((file) => file.path)));
    let correct = 0;
    for (const question of questions) {
      const { answer } = await ask(question.question);
      if (citesSource(answer, question.file)) correct++;
    }
    console.info(`offline model: ${correct}/${questions.length} answers cite the right file`);
    expect(correct / questions.length).toBeGreaterThanOrEqual(0.8);
  });
});
