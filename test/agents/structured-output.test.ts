import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { AgentOutputOptions } from "../../src/agents/structured-output.js";
import {
  anthropic,
  ConfigError,
  createAgent,
  createTool,
  gemini,
  type Model,
  OutputValidationError,
  openai,
  ValidationError,
} from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";
import {
  type FakeTurn,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAi,
} from "../helpers/fake-provider/index.js";
import { closeServersAfterEach } from "../models/fixtures.js";
import { nextRunEvent, onlyRun, testFairway } from "./helpers/engine.js";

const track = closeServersAfterEach();

const forecast = z.object({
  city: z.string(),
  celsius: z.number(),
  note: z.string().optional(),
});

/** A forecaster with the weather tool and the forecast output schema. */
const forecasterWithTools = (model: Model) =>
  createAgent({ name: "forecaster", system: "s", model, tools: [weatherTool], output: { schema: forecast } });

/** The JSON Schema of `forecast` as Anthropic and Gemini receive it. */
const forecastJsonSchema = {
  type: "object",
  properties: { city: { type: "string" }, celsius: { type: "number" }, note: { type: "string" } },
  required: ["city", "celsius"],
};

const weatherTool = createTool({
  name: "get_weather",
  parameters: z.object({ city: z.string() }),
  handler: ({ city }) => ({ city, celsius: 18 }),
});

/** A fake OpenAI server answering `turns`, and a model on it. */
async function gpt(turns: FakeTurn[]) {
  const server = track(await startFakeOpenAi(turns));
  return { server, model: openai({ model: "gpt-4o", apiKey: "sk-test", baseUrl: server.baseUrl }) };
}

describe("structured output with OpenAI (response_format json_schema)", () => {
  it("sends the schema in strict mode and returns the validated, typed value (optional nulls dropped)", async () => {
    const { server, model } = await gpt([{ text: '{"city":"Paris","celsius":18,"note":null}' }]);
    const agent = createAgent({
      name: "forecaster",
      system: "Give the forecast.",
      model,
      output: { schema: forecast, name: "forecast", description: "The forecast" },
    });
    const result = await agent.run("Paris?");
    expectTypeOf(result.structuredOutput).toEqualTypeOf<z.infer<typeof forecast>>();
    expect(result.structuredOutput).toEqual({ city: "Paris", celsius: 18 });
    expect(server.requests[0]?.body.response_format).toEqual({
      type: "json_schema",
      json_schema: {
        name: "forecast",
        description: "The forecast",
        strict: true,
        schema: {
          type: "object",
          properties: {
            city: { type: "string" },
            celsius: { type: "number" },
            note: { anyOf: [{ type: "string" }, { type: "null" }] },
          },
          required: ["city", "celsius", "note"],
          additionalProperties: false,
        },
      },
    });
  });

  it("feeds an invalid answer back with the validation error and accepts the corrected one", async () => {
    const server = track(
      await startFakeOpenAi([
        { text: '{"city":"Paris","celsius":"warm"}' },
        { text: '{"city":"Paris","celsius":18}' },
      ]),
    );
    const model = openai({ model: "gpt-4o", apiKey: "sk-test", baseUrl: server.baseUrl });
    const agent = createAgent({ name: "forecaster", system: "s", model, output: { schema: forecast } });
    const result = await agent.run("Paris?");
    expect(result.structuredOutput).toEqual({ city: "Paris", celsius: 18 });
    const second = server.requests[1]?.body.messages as Array<{ role: string; content: string }>;
    expect(second.at(-2)).toEqual({ role: "assistant", content: '{"city":"Paris","celsius":"warm"}' });
    expect(second.at(-1)?.role).toBe("user");
    expect(second.at(-1)?.content).toContain("- celsius: Invalid input: expected number, received string");
    // The result keeps the whole conversation: the first answer, the correction, the valid answer.
    expect(result.output.map((message) => message.type === "text" && message.role)).toEqual([
      "assistant",
      "user",
      "assistant",
    ]);
  });

  it("rejects a schema strict mode cannot express, naming the field", async () => {
    const { server, model } = await gpt([{ text: "{}" }]);
    const agent = createAgent({
      name: "tagger",
      system: "s",
      model,
      output: { schema: z.object({ tags: z.record(z.string(), z.number()) }) },
    });
    await expect(agent.run("x")).rejects.toThrow(/^output\.schema\.tags: has open additionalProperties/);
    expect(server.requests).toHaveLength(0);
  });
});

const claude = (baseUrl: string) =>
  anthropic({
    model: "claude-sonnet-4-5",
    apiKey: "sk-ant",
    baseUrl,
    defaultParameters: { max_tokens: 256 },
  });

describe("structured output with Anthropic (a forced tool)", () => {
  it("forces the output tool when the agent has no tools and reads its input as the answer", async () => {
    const server = track(
      await startFakeAnthropic([
        { toolCalls: [{ name: "output", arguments: { city: "Oslo", celsius: 4 } }] },
      ]),
    );
    const model = claude(server.baseUrl);
    const agent = createAgent({ name: "forecaster", system: "s", model, output: { schema: forecast } });
    const result = await agent.run("Oslo?");
    expect(result.structuredOutput).toEqual({ city: "Oslo", celsius: 4 });
    expect(result.output).toEqual([
      { type: "text", role: "assistant", content: '{"city":"Oslo","celsius":4}', stop_reason: "stop" },
    ]);
    const body = server.requests[0]?.body;
    expect(body.tool_choice).toEqual({ type: "tool", name: "output" });
    expect(body.tools).toEqual([
      {
        name: "output",
        description: "Give your final answer by calling this tool: its input is the answer.",
        input_schema: forecastJsonSchema,
      },
    ]);
  });

  it("lets the model call the agent's own tools first (tool_choice any), then answer through the output tool", async () => {
    const server = track(
      await startFakeAnthropic([
        { toolCalls: [{ id: "toolu_1", name: "get_weather", arguments: { city: "Rome" } }] },
        { toolCalls: [{ id: "toolu_2", name: "output", arguments: { city: "Rome", celsius: 18 } }] },
      ]),
    );
    const model = claude(server.baseUrl);
    const agent = forecasterWithTools(model);
    const result = await agent.run("Rome?", { maxIter: 3 });
    expect(result.structuredOutput).toEqual({ city: "Rome", celsius: 18 });
    expect(server.requests.map((request) => request.body.tool_choice)).toEqual([
      { type: "any" },
      { type: "any" },
    ]);
    expect(server.requests[0]?.body.tools.map((tool: { name: string }) => tool.name)).toEqual([
      "get_weather",
      "output",
    ]);
  });

  it("reads a streamed answer through the output tool (the answer is text, the deltas were tool arguments)", async () => {
    const server = track(
      await startFakeAnthropic([
        { toolCalls: [{ name: "output", arguments: { city: "Oslo", celsius: -2 } }] },
      ]),
    );
    const agent = createAgent({
      name: "forecaster",
      system: "s",
      model: claude(server.baseUrl),
      output: { schema: forecast },
    });
    const chunks: string[] = [];
    const result = await agent.run("Oslo?", {
      streaming: { publish: (chunk) => void chunks.push(chunk.event) },
    });
    expect(server.requests[0]?.body.stream).toBe(true);
    expect(result.structuredOutput).toEqual({ city: "Oslo", celsius: -2 });
    expect(chunks).toContain("tool_call.arguments.delta");
    expect(chunks.at(-1)).toBe("stream.ended");
  });

  it("rejects an output name that is also a tool's name", async () => {
    const server = track(await startFakeAnthropic([{ text: "{}" }]));
    const model = claude(server.baseUrl);
    const agent = createAgent({
      name: "forecaster",
      system: "s",
      model,
      tools: [weatherTool],
      output: { schema: forecast, name: "get_weather" },
    });
    await expect(agent.run("x")).rejects.toThrow(ConfigError);
  });
});

describe("structured output with Gemini (responseSchema)", () => {
  it("sends responseMimeType and responseSchema merged into the configured generationConfig", async () => {
    const server = track(await startFakeGemini([{ text: '{"city":"Lima","celsius":21}' }]));
    const model = gemini({
      model: "gemini-2.5-flash",
      apiKey: "g-key",
      baseUrl: server.baseUrl,
      defaultParameters: { generationConfig: { temperature: 0 } },
    });
    const agent = createAgent({ name: "forecaster", system: "s", model, output: { schema: forecast } });
    const result = await agent.run("Lima?");
    expect(result.structuredOutput).toEqual({ city: "Lima", celsius: 21 });
    expect(server.requests[0]?.body.generationConfig).toEqual({
      temperature: 0,
      responseMimeType: "application/json",
      responseSchema: forecastJsonSchema,
    });
  });

  it("next to tools (which Gemini 2 cannot combine with responseSchema) answers through an output function", async () => {
    const server = track(
      await startFakeGemini([
        { toolCalls: [{ name: "get_weather", arguments: { city: "Lima" } }] },
        { toolCalls: [{ name: "output", arguments: { city: "Lima", celsius: 21 } }] },
      ]),
    );
    const model = gemini({ model: "gemini-2.5-flash", apiKey: "g-key", baseUrl: server.baseUrl });
    const agent = forecasterWithTools(model);
    const result = await agent.run("Lima?", { maxIter: 3 });
    expect(result.structuredOutput).toEqual({ city: "Lima", celsius: 21 });
    const body = server.requests[0]?.body;
    expect(body.generationConfig).toBeUndefined();
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(body.tools[0].functionDeclarations.at(-1)).toEqual({
      name: "output",
      description: "Give your final answer by calling this tool: its input is the answer.",
      parameters: forecastJsonSchema,
    });
  });
});

describe("structured output: validation and errors", () => {
  it("accepts JSON in a Markdown code fence (models without a JSON mode add one)", async () => {
    const model = scriptedModel(['```json\n{"city":"Bern","celsius":9}\n```']);
    const agent = createAgent({ name: "forecaster", system: "s", model, output: { schema: forecast } });
    expect((await agent.run("Bern?")).structuredOutput).toEqual({ city: "Bern", celsius: 9 });
  });

  it("throws OutputValidationError after `retries` corrections, naming the bad field", async () => {
    const model = scriptedModel(["not json", '{"city":"Bern"}']);
    const agent = createAgent({
      name: "forecaster",
      system: "s",
      model,
      output: { schema: forecast, retries: 1 },
    });
    const error = await agent.run("Bern?").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutputValidationError);
    expect(error).toBeInstanceOf(ValidationError);
    const invalid = error as OutputValidationError;
    expect(invalid.code).toBe("validation_failed");
    expect(invalid.attempts).toBe(2);
    expect(invalid.answer).toBe('{"city":"Bern"}');
    expect(invalid.issues).toEqual([
      { path: "celsius", message: "Invalid input: expected number, received undefined" },
    ]);
    expect(model.requests).toHaveLength(2);
    const correction = model.requests[1]?.messages.at(-1);
    expect(correction?.type === "text" && correction.content).toMatch(
      /^Your answer does not match.*\n- \(answer\): not JSON/,
    );
  });

  it("asks again when the last allowed round ended with tool calls instead of an answer", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "get_weather", input: { city: "Rome" } }] },
      '{"city":"Rome","celsius":18}',
    ]);
    const agent = forecasterWithTools(model);
    const result = await agent.run("Rome?");
    expect(result.structuredOutput).toEqual({ city: "Rome", celsius: 18 });
    const correction = model.requests[1]?.messages.at(-1);
    expect(correction?.type === "text" && correction.content).toContain(
      "no answer: the turn ended without text",
    );
  });

  it("checks the output option at definition, naming the field", () => {
    const model = scriptedModel([]);
    const define = (output: object) => () =>
      createAgent({ name: "a", system: "s", model, output: output as AgentOutputOptions<unknown> });
    expect(define({ schema: { type: "object" } })).toThrow(/^output\.schema: must be a zod 4 schema/);
    expect(define({ schema: z.array(z.string()) })).toThrow(/^output\.schema: must describe an object/);
    expect(define({ schema: forecast, name: "my output" })).toThrow(/^output\.name: must match/);
    expect(define({ schema: forecast, retries: 11 })).toThrow(/^output\.retries: must be a whole number/);
  });

  it("inside a Fairway function: the answer survives replay and an invalid one fails the run without retries", async () => {
    const { fairway, clock } = testFairway();
    const model = scriptedModel(['{"city":"Paris","celsius":18}', "nope", "still nope"]);
    const good = createAgent({ name: "good", system: "s", model, output: { schema: forecast } });
    const bad = createAgent({ name: "bad", system: "s", model, output: { schema: forecast, retries: 1 } });
    fairway.createFunction({ id: "forecast-fn" }, { event: "forecast/ask" }, async ({ step }) => {
      const result = await good.run("Paris?");
      await step.sleep("pause", "1s");
      return result.structuredOutput;
    });
    fairway.createFunction({ id: "bad-fn", retries: 3 }, { event: "forecast/bad" }, async () => {
      return (await bad.run("?")).structuredOutput;
    });
    const sleeping = nextRunEvent(fairway, "run.sleeping");
    await fairway.send({ name: "forecast/ask", data: {} });
    await sleeping;
    await clock.advance("1s");
    expect(await fairway.waitForRun(await onlyRun(fairway, "forecast-fn"))).toEqual({
      city: "Paris",
      celsius: 18,
    });
    await fairway.send({ name: "forecast/bad", data: {} });
    await expect(fairway.waitForRun(await onlyRun(fairway, "bad-fn"))).rejects.toThrow(/after 2 attempt/);
    expect(model.calls).toBe(3);
    await fairway.close();
  });
});
