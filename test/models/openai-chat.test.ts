import { describe, expect, it } from "vitest";
import { azureOpenai } from "../../src/models/azure-openai.js";
import { grok } from "../../src/models/grok.js";
import { openai } from "../../src/models/openai.js";
import { openAiWire, startFakeOpenAi } from "../helpers/fake-provider/index.js";
import { assistantTurn, closeServersAfterEach, conversation, deltaRecorder, tools } from "./fixtures.js";

const track = closeServersAfterEach();

async function fake(...turns: Parameters<typeof startFakeOpenAi>[0] & object) {
  const started = await startFakeOpenAi(turns);
  track(started);
  return started;
}

describe("openai()", () => {
  it("maps a multi-turn conversation with parallel tool calls and results", async () => {
    const fakeServer = await fake({ text: "Rome is sunny." });
    const model = openai({
      model: "gpt-4o",
      apiKey: "sk-test",
      baseUrl: fakeServer.baseUrl,
      defaultParameters: { temperature: 0 },
    });
    await model.generate({ messages: conversation, tools, toolChoice: "auto" });
    const request = fakeServer.requests[0];
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe("Bearer sk-test");
    expect(request?.body).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": "You are a weather bot.",
            "role": "system",
          },
          {
            "content": "Weather in Paris and Oslo?",
            "role": "user",
          },
          {
            "content": "Let me check both.",
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"city":"Paris"}",
                  "name": "get_weather",
                },
                "id": "call_paris",
                "type": "function",
              },
              {
                "function": {
                  "arguments": "{"city":"Oslo"}",
                  "name": "get_weather",
                },
                "id": "call_oslo",
                "type": "function",
              },
            ],
          },
          {
            "content": "{"data":{"celsius":18}}",
            "role": "tool",
            "tool_call_id": "call_paris",
          },
          {
            "content": "{"error":"station offline"}",
            "role": "tool",
            "tool_call_id": "call_oslo",
          },
          {
            "content": "Also check Rome, please.",
            "role": "user",
          },
        ],
        "model": "gpt-4o",
        "temperature": 0,
        "tool_choice": "auto",
        "tools": [
          {
            "function": {
              "description": "Current weather for a city",
              "name": "get_weather",
              "parameters": {
                "properties": {
                  "city": {
                    "type": "string",
                  },
                  "unit": {
                    "enum": [
                      "c",
                      "f",
                    ],
                    "type": "string",
                  },
                },
                "required": [
                  "city",
                ],
                "type": "object",
              },
            },
            "type": "function",
          },
          {
            "function": {
              "description": "Search the docs",
              "name": "docs_search_a4132b",
              "parameters": {
                "properties": {},
                "type": "object",
              },
            },
            "type": "function",
          },
        ],
      }
    `);
  });

  it("parses text, parallel tool calls with provider ids, usage and the stop reason", async () => {
    const fakeServer = await fake({
      text: "Checking.",
      toolCalls: [
        { id: "call_a", name: "get_weather", arguments: { city: "Rome" } },
        { id: "call_b", name: "docs_search_a1b2c3", arguments: "{}" },
      ],
      usage: { input: 42, output: 7 },
    });
    const model = openai({ model: "gpt-4o", apiKey: "k", baseUrl: fakeServer.baseUrl });
    const sentName = () => fakeServer.requests[0]?.body.tools[1].function.name;
    const response = await model.generate({ messages: conversation, tools });
    expect(sentName()).toMatch(/^docs_search_[0-9a-f]{6}$/);
    expect(response.stopReason).toBe("tool");
    expect(response.usage).toEqual({ inputTokens: 42, outputTokens: 7 });
    expect(response.output[0]).toEqual({
      type: "text",
      role: "assistant",
      content: "Checking.",
      stop_reason: "tool",
    });
    const call = response.output[1];
    expect(call?.type === "tool_call" && call.tools.map((tool) => [tool.id, tool.name, tool.input])).toEqual([
      ["call_a", "get_weather", { city: "Rome" }],
      ["call_b", "docs_search_a1b2c3", {}],
    ]);
  });

  it("maps the sanitized name of a dotted tool back to the original name", async () => {
    const fakeServer = await fake({ text: "" });
    const model = openai({ model: "gpt-4o", apiKey: "k", baseUrl: fakeServer.baseUrl });
    await model.generate({ messages: conversation, tools });
    const wireName: string = fakeServer.requests[0]?.body.tools[1].function.name;
    fakeServer.push({ toolCalls: [{ name: wireName, arguments: "{}" }] });
    const response = await model.generate({ messages: conversation, tools });
    const call = response.output[0];
    expect(call?.type === "tool_call" && call.tools[0]?.name).toBe("docs.search");
  });

  it("streams text and tool-call argument deltas in order and assembles the response with usage", async () => {
    const fakeServer = await fake({
      text: "Looking it up now.",
      toolCalls: [{ name: "get_weather", arguments: { city: "Rome" } }],
      usage: { input: 30, output: 12 },
    });
    const model = openai({ model: "gpt-4o", apiKey: "k", baseUrl: fakeServer.baseUrl });
    const { deltas, onDelta } = deltaRecorder();
    const response = await model.generate({ messages: conversation, tools, onDelta });
    expect(fakeServer.requests[0]?.body.stream).toBe(true);
    expect(fakeServer.requests[0]?.body.stream_options).toEqual({ include_usage: true });
    expect(deltas).toEqual([
      { type: "text.delta", partId: "text_0", delta: "Looking " },
      { type: "text.delta", partId: "text_0", delta: "it " },
      { type: "text.delta", partId: "text_0", delta: "up " },
      { type: "text.delta", partId: "text_0", delta: "now." },
      { type: "tool_call.started", partId: "call_fake_0_0", toolName: "get_weather" },
      { type: "tool_call.arguments.delta", partId: "call_fake_0_0", delta: '{"city":' },
      { type: "tool_call.arguments.delta", partId: "call_fake_0_0", delta: '"Rome"}' },
    ]);
    expect(response.output).toEqual(
      assistantTurn("Looking it up now.", [["call_fake_0_0", "get_weather", { city: "Rome" }]]),
    );
    expect(response.usage).toEqual({ inputTokens: 30, outputTokens: 12 });
    expect(response.stopReason).toBe("tool");
  });

  it("never duplicates a call when a stream re-sends a call's start (R15)", async () => {
    const chunk = (delta: unknown, finish: string | null = null) => ({
      data: { object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] },
    });
    const start = {
      tool_calls: [
        { index: 0, id: "call_x", type: "function", function: { name: "get_weather", arguments: "" } },
      ],
    };
    const fakeServer = await fake({
      stream: [
        chunk(start),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
        chunk(start),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '"Rome"}' } }] }),
        chunk({}, "tool_calls"),
      ],
    });
    const model = openai({ model: "gpt-4o", apiKey: "k", baseUrl: fakeServer.baseUrl });
    const response = await model.generate({ messages: conversation, tools, onDelta: () => {} });
    const call = response.output[0];
    expect(call?.type === "tool_call" && call.tools).toEqual([
      { type: "tool", id: "call_x", name: "get_weather", input: { city: "Rome" } },
    ]);
  });

  it("keeps parallel streamed calls apart when a compatible server omits or reuses the index", async () => {
    const chunk = (delta: unknown, finish: string | null = null) => ({
      data: { object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] },
    });
    const call = (id: string | undefined, args: string, index?: number) => ({
      tool_calls: [
        {
          ...(index === undefined ? {} : { index }),
          ...(id ? { id, type: "function", function: { name: "get_weather", arguments: args } } : {}),
          ...(id ? {} : { function: { arguments: args } }),
        },
      ],
    });
    const expected = assistantTurn("", [
      ["call_a", "get_weather", { city: "Paris" }],
      ["call_b", "get_weather", { city: "Oslo" }],
    ]);
    // Gemini's OpenAI endpoint and older Ollama: no index at all, arguments may still come in pieces.
    const noIndex = [
      chunk(call("call_a", '{"city":')),
      chunk(call(undefined, '"Paris"}')),
      chunk(call("call_b", '{"city":"Oslo"}')),
      chunk({}, "tool_calls"),
    ];
    // Servers that send index 0 for every call of the turn, with distinct ids.
    const sameIndex = [
      chunk(call("call_a", '{"city":"Paris"}', 0)),
      chunk(call("call_b", '{"city":', 0)),
      chunk(call(undefined, '"Oslo"}', 0)),
      chunk({}, "tool_calls"),
    ];
    const fakeServer = await fake({ stream: noIndex }, { stream: sameIndex });
    const model = openai({ model: "llama3.2", baseUrl: fakeServer.baseUrl });
    for (let turn = 0; turn < 2; turn++) {
      const response = await model.generate({ messages: conversation, tools, onDelta: () => {} });
      expect(response.output).toEqual(expected);
    }
  });

  it("sends text recorded between the results of one turn after the last result (R03 for OpenAI)", async () => {
    const fakeServer = await fake({ text: "ok" });
    const model = openai({ model: "gpt-4o", apiKey: "k", baseUrl: fakeServer.baseUrl });
    const [system, user, text, calls, parisResult, osloResult, late] = conversation;
    await model.generate({
      messages: [system!, user!, text!, calls!, parisResult!, late!, osloResult!],
      tools,
    });
    const sent = fakeServer.requests[0]?.body.messages as Array<{ role: string; tool_call_id?: string }>;
    expect(sent.map((message) => message.tool_call_id ?? message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "call_paris",
      "call_oslo",
      "user",
    ]);
  });

  it("maps tool_choice any and a tool name", async () => {
    const fakeServer = await fake({ text: "a" }, { text: "b" });
    const model = openai({ model: "gpt-4o", apiKey: "k", baseUrl: fakeServer.baseUrl });
    await model.generate({ messages: conversation, tools, toolChoice: "any" });
    await model.generate({ messages: conversation, tools, toolChoice: "docs.search" });
    expect(fakeServer.requests[0]?.body.tool_choice).toBe("required");
    expect(fakeServer.requests[1]?.body.tool_choice).toEqual({
      type: "function",
      function: { name: fakeServer.requests[1]?.body.tools[1].function.name },
    });
  });

  it("sends no tools, tool_choice or strict when no tools are offered", async () => {
    const fakeServer = await fake({ text: "hi" });
    const model = openai({ model: "gpt-4o", apiKey: "k", baseUrl: fakeServer.baseUrl });
    const response = await model.generate({ messages: [{ type: "text", role: "user", content: "hi" }] });
    expect(fakeServer.requests[0]?.body).toEqual({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.stopReason).toBe("stop");
  });

  it("sends no Authorization header to a local server without a key", async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const fakeServer = await fake({ text: "local" });
      const model = openai({ model: "llama3.2", baseUrl: fakeServer.baseUrl });
      const response = await model.generate({ messages: [{ type: "text", role: "user", content: "hi" }] });
      expect(fakeServer.requests[0]?.headers.authorization).toBeUndefined();
      expect(response.output[0]).toMatchObject({ content: "local" });
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });
});

describe("openai() edge cases", () => {
  it("passes an error thrown by onDelta through unchanged (not a network error)", async () => {
    const fakeServer = await fake({ text: "hello there" });
    const model = openai({ model: "gpt-4o", apiKey: "k", baseUrl: fakeServer.baseUrl });
    const boom = new Error("UI went away");
    const onDelta = () => {
      throw boom;
    };
    await expect(model.generate({ messages: conversation, onDelta })).rejects.toBe(boom);
  });

  it("reads a JSON answer from a server that ignores stream: true, still reporting deltas", async () => {
    const fakeServer = await fake({
      raw: { body: JSON.stringify(openAiWire.json({ text: "plain" }, { body: {} } as never, 0)) },
    });
    const model = openai({ model: "gpt-4o", baseUrl: fakeServer.baseUrl });
    const { deltas, onDelta } = deltaRecorder();
    const response = await model.generate({ messages: conversation, onDelta });
    expect(response.output).toEqual(assistantTurn("plain", []));
    expect(deltas).toEqual([{ type: "text.delta", partId: "text_0", delta: "plain" }]);
  });

  it("never lets defaultParameters turn streaming on or off", async () => {
    const fakeServer = await fake({ text: "json" });
    const model = openai({
      model: "gpt-4o",
      baseUrl: fakeServer.baseUrl,
      defaultParameters: { stream: true, stream_options: { include_usage: false } },
    });
    const response = await model.generate({ messages: conversation });
    expect(fakeServer.requests[0]?.body).not.toHaveProperty("stream");
    expect(fakeServer.requests[0]?.body).not.toHaveProperty("stream_options");
    expect(response.output).toEqual(assistantTurn("json", []));
  });
});

describe("grok()", () => {
  it("sends a Bearer header and never a strict flag", async () => {
    const fakeServer = await fake({ text: "ok" });
    const model = grok({ model: "grok-3", apiKey: "xai-key", baseUrl: fakeServer.baseUrl });
    await model.generate({ messages: conversation, tools: [{ ...tools[0]!, strict: true }] });
    const request = fakeServer.requests[0];
    expect(model.format).toBe("grok");
    expect(request?.headers.authorization).toBe("Bearer xai-key");
    expect(request?.body.tools[0].function).not.toHaveProperty("strict");
    expect(request?.body.tools[0].function.parameters.required).toEqual(["city"]);
  });
});

describe("azureOpenai()", () => {
  it("posts to the deployment URL with the api-version and an api-key header", async () => {
    const fakeServer = await fake({ text: "ok" });
    const model = azureOpenai({
      model: "gpt-4o",
      endpoint: `${fakeServer.url}/`,
      deployment: "my-gpt4o",
      apiVersion: "2024-10-21",
      apiKey: "az-key",
    });
    await model.generate({ messages: [{ type: "text", role: "user", content: "hi" }] });
    const request = fakeServer.requests[0];
    expect(model.format).toBe("azure-openai");
    expect(request?.path).toBe("/openai/deployments/my-gpt4o/chat/completions");
    expect(request?.query).toEqual({ "api-version": "2024-10-21" });
    expect(request?.headers["api-key"]).toBe("az-key");
    expect(request?.headers.authorization).toBeUndefined();
  });
});
