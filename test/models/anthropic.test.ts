import { describe, expect, it } from "vitest";
import { anthropic } from "../../src/models/anthropic.js";
import type { Message, ToolMessage } from "../../src/models/spec.js";
import { type FakeTurn, startFakeAnthropic } from "../helpers/fake-provider/index.js";
import {
  assistantTurn,
  closeServersAfterEach,
  conversation,
  deltaRecorder,
  paris,
  tools,
} from "./fixtures.js";

const track = closeServersAfterEach();

async function setup(turns: FakeTurn[], options: { betaHeaders?: string[] } = {}) {
  const fakeServer = await startFakeAnthropic(turns);
  track(fakeServer);
  const model = anthropic({
    model: "claude-sonnet-4-5",
    apiKey: "sk-ant",
    baseUrl: fakeServer.baseUrl,
    defaultParameters: { max_tokens: 1024 },
    ...options,
  });
  return { fakeServer, model };
}

/** One Messages API stream event, with its SSE event name. */
const event = (type: string, data: object) => ({ event: type, data: { type, ...data } });

type WireMessage = { role: string; content: Array<{ type: string; id?: string; tool_use_id?: string }> };

/** Anthropic's invariants: roles alternate, and each tool_use has one tool_result first in the next turn. */
function expectValidAlternation(messages: WireMessage[]): void {
  messages.forEach((message, index) => {
    if (index > 0) expect(message.role).not.toBe(messages[index - 1]?.role);
    const uses = message.content.filter((block) => block.type === "tool_use").map((block) => block.id);
    if (uses.length === 0) return;
    const next = messages[index + 1]?.content ?? [];
    const results = next.slice(0, uses.length).map((block) => block.tool_use_id);
    expect(results).toEqual(uses);
  });
  expect(messages.at(-1)?.role).toBe("user");
}

describe("anthropic()", () => {
  it("maps a multi-turn conversation with parallel tool calls, results and user text after them (R03)", async () => {
    const { fakeServer, model } = await setup([{ text: "Rome is sunny." }], { betaHeaders: ["b1", "b2"] });
    await model.generate({ messages: conversation, tools, toolChoice: "auto" });
    const request = fakeServer.requests[0];
    expect(request?.path).toBe("/v1/messages");
    expect(request?.headers["x-api-key"]).toBe("sk-ant");
    expect(request?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(request?.headers["anthropic-beta"]).toBe("b1,b2");
    expectValidAlternation(request?.body.messages);
    expect(request?.body).toMatchInlineSnapshot(`
      {
        "max_tokens": 1024,
        "messages": [
          {
            "content": [
              {
                "text": "Weather in Paris and Oslo?",
                "type": "text",
              },
            ],
            "role": "user",
          },
          {
            "content": [
              {
                "text": "Let me check both.",
                "type": "text",
              },
              {
                "id": "call_paris",
                "input": {
                  "city": "Paris",
                },
                "name": "get_weather",
                "type": "tool_use",
              },
              {
                "id": "call_oslo",
                "input": {
                  "city": "Oslo",
                },
                "name": "get_weather",
                "type": "tool_use",
              },
            ],
            "role": "assistant",
          },
          {
            "content": [
              {
                "content": "{"data":{"celsius":18}}",
                "tool_use_id": "call_paris",
                "type": "tool_result",
              },
              {
                "content": "{"error":"station offline"}",
                "is_error": true,
                "tool_use_id": "call_oslo",
                "type": "tool_result",
              },
              {
                "text": "Also check Rome, please.",
                "type": "text",
              },
            ],
            "role": "user",
          },
        ],
        "model": "claude-sonnet-4-5",
        "system": "You are a weather bot.",
        "tool_choice": {
          "type": "auto",
        },
        "tools": [
          {
            "description": "Current weather for a city",
            "input_schema": {
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
            "name": "get_weather",
          },
          {
            "description": "Search the docs",
            "input_schema": {
              "properties": {},
              "type": "object",
            },
            "name": "docs_search_a4132b",
          },
        ],
      }
    `);
  });

  it("never ends the request with an assistant turn, keeping its text (R02)", async () => {
    const { fakeServer, model } = await setup([{ text: "routed" }]);
    const history: Message[] = [
      { type: "text", role: "user", content: "Plan a trip." },
      { type: "text", role: "assistant", content: "Agent A's plan: fly to Rome." },
    ];
    await model.generate({ messages: history, tools });
    const messages: WireMessage[] = fakeServer.requests[0]?.body.messages;
    expectValidAlternation(messages);
    expect(messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Plan a trip." },
          { type: "text", text: "Agent A's plan: fly to Rome." },
        ],
      },
    ]);
  });

  it("keeps alternation over tricky histories (results, then user text, then assistant text twice)", async () => {
    const { fakeServer, model } = await setup([{ text: "ok" }]);
    const history: Message[] = [
      { type: "text", role: "user", content: "hi" },
      { type: "tool_call", role: "assistant", tools: [paris], stop_reason: "tool" },
      { type: "text", role: "user", content: "while you are at it..." },
      { type: "tool_result", role: "tool_result", tool: paris, content: { data: 1 }, stop_reason: "tool" },
      { type: "text", role: "assistant", content: "one" },
      { type: "text", role: "assistant", content: "two" },
      { type: "text", role: "user", content: "" },
    ];
    await model.generate({ messages: history, tools });
    const messages: WireMessage[] = fakeServer.requests[0]?.body.messages;
    expectValidAlternation(messages);
    expect(messages[2]?.content).toEqual([
      { type: "tool_result", tool_use_id: "call_paris", content: '{"data":1}' },
      { type: "text", text: "while you are at it..." },
      { type: "text", text: "one" },
      { type: "text", text: "two" },
    ]);
  });

  it("maps tool-call ids from other providers that Anthropic rejects, the same for a call and its result", async () => {
    const { fakeServer, model } = await setup([{ text: "ok" }]);
    const kimi = (id: string, city: string): ToolMessage => ({
      type: "tool",
      id,
      name: "get_weather",
      input: { city },
    });
    const calls = [kimi("functions.get_weather:0", "Rome"), kimi("functions.get_weather:1", "Oslo")];
    const history: Message[] = [
      { type: "text", role: "user", content: "Weather?" },
      { type: "tool_call", role: "assistant", tools: calls, stop_reason: "tool" },
      ...calls.map(
        (tool): Message => ({
          type: "tool_result",
          role: "tool_result",
          tool,
          content: "ok",
          stop_reason: "tool",
        }),
      ),
    ];
    await model.generate({ messages: history, tools });
    const [, assistant, results] = fakeServer.requests[0]!.body.messages as WireMessage[];
    const useIds = assistant?.content.map((block) => block.id);
    expect(results?.content.map((block) => block.tool_use_id)).toEqual(useIds);
    for (const id of useIds ?? []) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Set(useIds).size).toBe(2);
  });

  it("keeps extended-thinking blocks with the tool calls and sends them back first in the turn", async () => {
    const thinking = { type: "thinking", thinking: "Two cities: call twice.", signature: "sig-1" };
    const redacted = { type: "redacted_thinking", data: "opaque" };
    const use = (id: string, city: string) => ({
      type: "tool_use",
      id,
      name: "get_weather",
      input: { city },
    });
    const turn = [
      thinking,
      { type: "text", text: "Checking." },
      use("toolu_1", "Rome"),
      redacted,
      use("toolu_2", "Oslo"),
    ];
    const body = {
      content: turn,
      stop_reason: "tool_use",
      usage: { input_tokens: 5, output_tokens: 9 },
    };
    const { fakeServer, model } = await setup([
      { raw: { body: JSON.stringify(body) } },
      {
        stream: [
          event("message_start", { message: { usage: { input_tokens: 5 } } }),
          event("content_block_start", {
            index: 0,
            content_block: { type: "thinking", thinking: "", signature: "" },
          }),
          event("content_block_delta", {
            index: 0,
            delta: { type: "thinking_delta", thinking: "Two cities: " },
          }),
          event("content_block_delta", {
            index: 0,
            delta: { type: "thinking_delta", thinking: "call twice." },
          }),
          event("content_block_delta", { index: 0, delta: { type: "signature_delta", signature: "sig-1" } }),
          event("content_block_start", { index: 1, content_block: { type: "text", text: "Checking." } }),
          event("content_block_start", { index: 2, content_block: { ...use("toolu_1", "Rome"), input: {} } }),
          event("content_block_delta", {
            index: 2,
            delta: { type: "input_json_delta", partial_json: '{"city":"Rome"}' },
          }),
          event("content_block_start", { index: 3, content_block: redacted }),
          event("content_block_start", { index: 4, content_block: { ...use("toolu_2", "Oslo"), input: {} } }),
          event("content_block_delta", {
            index: 4,
            delta: { type: "input_json_delta", partial_json: '{"city":"Oslo"}' },
          }),
          event("message_delta", { delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } }),
        ],
      },
      { text: "Both sunny." },
    ]);
    const request = { messages: conversation.slice(0, 2), tools };
    const whole = await model.generate(request);
    const streamed = await model.generate({ ...request, onDelta: () => {} });
    expect(streamed.output).toEqual(whole.output);
    const calls = whole.output[1];
    if (calls?.type !== "tool_call") throw new Error("expected a tool_call message");
    expect(calls.tools.map((tool) => tool.providerMetadata)).toEqual([
      { anthropic: { thinking: [thinking] } },
      { anthropic: { thinking: [redacted] } },
    ]);
    const results = calls.tools.map(
      (tool): Message => ({
        type: "tool_result",
        role: "tool_result",
        tool,
        content: "sunny",
        stop_reason: "tool",
      }),
    );
    await model.generate({ messages: [...request.messages, ...whole.output, ...results], tools });
    const sent = fakeServer.requests[2]?.body.messages as WireMessage[];
    expectValidAlternation(sent);
    expect(sent[1]).toEqual({
      role: "assistant",
      content: turn,
    });
  });

  it("parses text and parallel tool_use blocks, usage and the stop reason", async () => {
    const { model } = await setup([
      {
        text: "Checking.",
        toolCalls: [
          { id: "toolu_1", name: "get_weather", arguments: { city: "Rome" } },
          { id: "toolu_2", name: "get_weather", arguments: { city: "Milan" } },
        ],
        usage: { input: 50, output: 20 },
      },
    ]);
    const response = await model.generate({ messages: conversation, tools });
    expect(response.stopReason).toBe("tool");
    expect(response.usage).toEqual({ inputTokens: 50, outputTokens: 20 });
    expect(response.output).toEqual(
      assistantTurn("Checking.", [
        ["toolu_1", "get_weather", { city: "Rome" }],
        ["toolu_2", "get_weather", { city: "Milan" }],
      ]),
    );
  });

  it("streams text and input_json deltas in order and assembles the message with usage", async () => {
    const { fakeServer, model } = await setup([
      {
        text: "On it.",
        toolCalls: [{ id: "toolu_9", name: "get_weather", arguments: { city: "Rome" } }],
        usage: { input: 33, output: 11 },
      },
    ]);
    const { deltas, onDelta } = deltaRecorder();
    const response = await model.generate({ messages: conversation, tools, onDelta });
    expect(fakeServer.requests[0]?.body.stream).toBe(true);
    expect(deltas).toEqual([
      { type: "text.delta", partId: "text_0", delta: "On " },
      { type: "text.delta", partId: "text_0", delta: "it." },
      { type: "tool_call.started", partId: "toolu_9", toolName: "get_weather" },
      { type: "tool_call.arguments.delta", partId: "toolu_9", delta: '{"city":' },
      { type: "tool_call.arguments.delta", partId: "toolu_9", delta: '"Rome"}' },
    ]);
    expect(response.output).toEqual(assistantTurn("On it.", [["toolu_9", "get_weather", { city: "Rome" }]]));
    expect(response.usage).toEqual({ inputTokens: 33, outputTokens: 11 });
    expect(response.stopReason).toBe("tool");
  });

  it("reads a streamed tool call without input as {} and maps its name back", async () => {
    const { fakeServer, model } = await setup([{ text: "" }]);
    await model.generate({ messages: conversation, tools });
    const wireName: string = fakeServer.requests[0]?.body.tools[1].name;
    fakeServer.push({ toolCalls: [{ id: "toolu_x", name: wireName, arguments: "" }] });
    const response = await model.generate({ messages: conversation, tools, onDelta: () => {} });
    const call = response.output[0];
    expect(call?.type === "tool_call" && call.tools).toEqual([
      { type: "tool", id: "toolu_x", name: "docs.search", input: {} },
    ]);
  });

  it("uses a tool input sent whole in content_block_start (compatible servers), never {}", async () => {
    const { model } = await setup([
      {
        stream: [
          event("message_start", { message: { usage: { input_tokens: 3 } } }),
          event("content_block_start", {
            index: 0,
            content_block: { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Rome" } },
          }),
          event("content_block_stop", { index: 0 }),
          event("message_delta", { delta: { stop_reason: "tool_use" }, usage: { output_tokens: 4 } }),
        ],
      },
    ]);
    const response = await model.generate({ messages: conversation, tools, onDelta: () => {} });
    expect(response.output).toEqual(assistantTurn("", [["toolu_1", "get_weather", { city: "Rome" }]]));
  });

  it("maps tool_choice any and a named tool", async () => {
    const { fakeServer, model } = await setup([{ text: "a" }, { text: "b" }]);
    await model.generate({ messages: conversation, tools, toolChoice: "any" });
    await model.generate({ messages: conversation, tools, toolChoice: "get_weather" });
    expect(fakeServer.requests[0]?.body.tool_choice).toEqual({ type: "any" });
    expect(fakeServer.requests[1]?.body.tool_choice).toEqual({ type: "tool", name: "get_weather" });
  });
});
