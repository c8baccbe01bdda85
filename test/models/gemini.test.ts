import { describe, expect, it } from "vitest";
import { InvalidResponseError } from "../../src/errors/invalid-response-error.js";
import { anthropic } from "../../src/models/anthropic.js";
import { gemini } from "../../src/models/gemini.js";
import type { Message } from "../../src/models/spec.js";
import { type FakeTurn, startFakeAnthropic, startFakeGemini } from "../helpers/fake-provider/index.js";
import { assistantTurn, closeServersAfterEach, conversation, deltaRecorder, tools } from "./fixtures.js";

const track = closeServersAfterEach();

async function setup(turns: FakeTurn[]) {
  const fakeServer = await startFakeGemini(turns);
  track(fakeServer);
  return {
    fakeServer,
    model: gemini({ model: "gemini-2.5-flash", apiKey: "g-key", baseUrl: fakeServer.baseUrl }),
  };
}

const twoCallsWithoutIds: FakeTurn = {
  toolCalls: [
    { name: "get_weather", arguments: { city: "Rome" } },
    { name: "get_weather", arguments: { city: "Milan" } },
  ],
};

describe("gemini()", () => {
  it("maps a multi-turn conversation, sending every call of a turn and grouping the results", async () => {
    const { fakeServer, model } = await setup([{ text: "Rome is sunny." }]);
    await model.generate({ messages: conversation, tools, toolChoice: "auto" });
    const request = fakeServer.requests[0];
    expect(request?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(request?.headers["x-goog-api-key"]).toBe("g-key");
    expect(request?.query).toEqual({});
    expect(request?.body).toMatchInlineSnapshot(`
      {
        "contents": [
          {
            "parts": [
              {
                "text": "Weather in Paris and Oslo?",
              },
            ],
            "role": "user",
          },
          {
            "parts": [
              {
                "text": "Let me check both.",
              },
              {
                "functionCall": {
                  "args": {
                    "city": "Paris",
                  },
                  "name": "get_weather",
                },
              },
              {
                "functionCall": {
                  "args": {
                    "city": "Oslo",
                  },
                  "name": "get_weather",
                },
              },
            ],
            "role": "model",
          },
          {
            "parts": [
              {
                "functionResponse": {
                  "name": "get_weather",
                  "response": {
                    "data": {
                      "celsius": 18,
                    },
                  },
                },
              },
              {
                "functionResponse": {
                  "name": "get_weather",
                  "response": {
                    "error": "station offline",
                  },
                },
              },
              {
                "text": "Also check Rome, please.",
              },
            ],
            "role": "user",
          },
        ],
        "systemInstruction": {
          "parts": [
            {
              "text": "You are a weather bot.",
            },
          ],
        },
        "toolConfig": {
          "functionCallingConfig": {
            "mode": "AUTO",
          },
        },
        "tools": [
          {
            "functionDeclarations": [
              {
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
              {
                "description": "Search the docs",
                "name": "docs.search",
              },
            ],
          },
        ],
      }
    `);
  });

  it("gives calls without ids distinct, deterministic ids, paired back by position (R15)", async () => {
    const { model } = await setup([twoCallsWithoutIds, twoCallsWithoutIds]);
    const first = await model.generate({ messages: conversation, tools });
    const again = await model.generate({ messages: conversation, tools });
    const ids = (output: Message[]) =>
      output.flatMap((message) => (message.type === "tool_call" ? message.tools.map((tool) => tool.id) : []));
    expect(ids(first.output)).toEqual(["call_7_0", "call_7_1"]);
    expect(ids(again.output)).toEqual(ids(first.output));
    expect(first.stopReason).toBe("tool");

    // The history replayed to Anthropic has unique tool_use ids with one result each.
    const call = first.output[0];
    if (call?.type !== "tool_call") throw new Error("expected a tool_call message");
    const history: Message[] = [
      ...conversation,
      call,
      ...call.tools.map(
        (tool, index): Message => ({
          type: "tool_result",
          role: "tool_result",
          tool,
          content: { data: index },
          stop_reason: "tool",
        }),
      ),
    ];
    const anthropicServer = await startFakeAnthropic([{ text: "done" }]);
    track(anthropicServer);
    await anthropic({ model: "claude", apiKey: "k", baseUrl: anthropicServer.baseUrl }).generate({
      messages: history,
      tools,
    });
    const wire = anthropicServer.requests[0]?.body.messages as Array<{
      content: Array<{ type: string; id?: string; tool_use_id?: string }>;
    }>;
    const useIds = wire.flatMap((message) =>
      message.content.filter((block) => block.type === "tool_use").map((block) => block.id),
    );
    expect(new Set(useIds).size).toBe(useIds.length);
    const resultIds = wire
      .at(-1)
      ?.content.filter((block) => block.type === "tool_result")
      .map((block) => block.tool_use_id);
    expect(resultIds).toEqual(["call_7_0", "call_7_1"]);
  });

  it("sends function responses in call order, before user text, whatever order they were recorded in (R15)", async () => {
    const { fakeServer, model } = await setup([{ text: "ok" }]);
    const [system, user, , calls, parisResult, osloResult] = conversation;
    const late: Message = { type: "text", role: "user", content: "Quick, please." };
    await model.generate({ messages: [system!, user!, calls!, osloResult!, late, parisResult!], tools });
    expect(fakeServer.requests[0]?.body.contents.at(-1)).toEqual({
      role: "user",
      parts: [
        { functionResponse: { name: "get_weather", response: { data: { celsius: 18 } } } },
        { functionResponse: { name: "get_weather", response: { error: "station offline" } } },
        { text: "Quick, please." },
      ],
    });
  });

  it("keeps Gemini's own function-call ids when present", async () => {
    const { model } = await setup([
      { toolCalls: [{ id: "fc-1", name: "get_weather", arguments: { city: "Rome" } }] },
    ]);
    const response = await model.generate({ messages: conversation, tools });
    expect(response.output[0]).toMatchObject({ tools: [{ id: "fc-1", input: { city: "Rome" } }] });
  });

  it("keeps each call's thoughtSignature and sends it back with the call", async () => {
    const { fakeServer, model } = await setup([
      { toolCalls: [{ name: "get_weather", arguments: { city: "Rome" }, thoughtSignature: "sig-rome" }] },
      { text: "done" },
    ]);
    const first = await model.generate({ messages: conversation, tools });
    const call = first.output[0];
    if (call?.type !== "tool_call") throw new Error("expected a tool call");
    expect(call.tools[0]?.providerMetadata).toEqual({ gemini: { thoughtSignature: "sig-rome" } });
    const result: Message = {
      type: "tool_result",
      role: "tool_result",
      tool: call.tools[0]!,
      content: { data: 1 },
      stop_reason: "tool",
    };
    await model.generate({ messages: [...conversation, call, result], tools });
    const contents = fakeServer.requests[1]?.body.contents;
    expect(contents.at(-2)).toEqual({
      role: "model",
      parts: [
        { functionCall: { name: "get_weather", args: { city: "Rome" } }, thoughtSignature: "sig-rome" },
      ],
    });
  });

  it("streams over alt=sse: text deltas in order, whole function calls, usage at the end", async () => {
    const { fakeServer, model } = await setup([
      { text: "Two calls coming.", ...twoCallsWithoutIds, usage: { input: 12, output: 8 } },
    ]);
    const { deltas, onDelta } = deltaRecorder();
    const response = await model.generate({ messages: conversation, tools, onDelta });
    expect(fakeServer.requests[0]?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(fakeServer.requests[0]?.query).toEqual({ alt: "sse" });
    expect(deltas).toEqual([
      { type: "text.delta", partId: "text_0", delta: "Two " },
      { type: "text.delta", partId: "text_0", delta: "calls " },
      { type: "text.delta", partId: "text_0", delta: "coming." },
      { type: "tool_call.started", partId: "call_7_0", toolName: "get_weather" },
      { type: "tool_call.arguments.delta", partId: "call_7_0", delta: '{"city":"Rome"}' },
      { type: "tool_call.started", partId: "call_7_1", toolName: "get_weather" },
      { type: "tool_call.arguments.delta", partId: "call_7_1", delta: '{"city":"Milan"}' },
    ]);
    expect(response.output).toEqual(
      assistantTurn("Two calls coming.", [
        ["call_7_0", "get_weather", { city: "Rome" }],
        ["call_7_1", "get_weather", { city: "Milan" }],
      ]),
    );
    expect(response.usage).toEqual({ inputTokens: 12, outputTokens: 8 });
  });

  it("a candidate without parts is a retryable InvalidResponseError; an empty candidates list and a blocked prompt end the turn (R14)", async () => {
    const raw = (body: unknown): FakeTurn => ({ raw: { body: JSON.stringify(body) } });
    const { model } = await setup([
      raw({ candidates: [{ content: {}, finishReason: "MALFORMED_FUNCTION_CALL" }] }),
      raw({ candidates: [{ finishReason: "STOP" }] }),
      raw({ candidates: [], promptFeedback: { blockReason: "SAFETY" } }),
    ]);
    const request = { messages: conversation, tools };
    const malformed = await model.generate(request).catch((error: unknown) => error);
    expect(malformed).toBeInstanceOf(InvalidResponseError);
    expect(malformed).toMatchObject({ isRetryable: true, code: "model_response_invalid" });
    expect(String((malformed as Error).message)).toContain("MALFORMED_FUNCTION_CALL");
    expect(await model.generate(request)).toMatchObject({ output: [], stopReason: "stop" });
    expect(await model.generate(request)).toMatchObject({ output: [], stopReason: "content_filter" });
  });

  it("maps tool_choice any and a named tool to functionCallingConfig", async () => {
    const { fakeServer, model } = await setup([{ text: "a" }, { text: "b" }]);
    await model.generate({ messages: conversation, tools, toolChoice: "any" });
    await model.generate({ messages: conversation, tools, toolChoice: "get_weather" });
    expect(fakeServer.requests[0]?.body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(fakeServer.requests[1]?.body.toolConfig).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] },
    });
  });
});
