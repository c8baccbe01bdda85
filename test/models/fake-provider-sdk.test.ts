import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import {
  type FakeTurn,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAi,
} from "../helpers/fake-provider/index.js";
import { closeServersAfterEach } from "./fixtures.js";

// Cross-check: the official SDKs parse what the fake servers send, so the fakes speak the real wire formats.
const turns: FakeTurn[] = [
  {
    text: "Checking both cities.",
    toolCalls: [
      { name: "get_weather", arguments: { city: "Paris" } },
      { name: "get_weather", arguments: { city: "Oslo" } },
    ],
    usage: { input: 21, output: 9 },
  },
];

const track = closeServersAfterEach();

describe("official SDKs against the fake providers", () => {
  it("openai parses a completion and a stream with usage", async () => {
    const fake = await startFakeOpenAi([...turns, ...turns]);
    track(fake);
    const client = new OpenAI({ apiKey: "sk-test", baseURL: fake.baseUrl, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe("Checking both cities.");
    expect(
      message?.tool_calls?.map((call) => (call.type === "function" ? call.function.arguments : "")),
    ).toEqual(['{"city":"Paris"}', '{"city":"Oslo"}']);
    expect(completion.usage?.prompt_tokens).toBe(21);

    const stream = client.chat.completions.stream({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe("Checking both cities.");
    expect(final.choices[0]?.message.tool_calls?.length).toBe(2);
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(final.usage?.completion_tokens).toBe(9);
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer sk-test");
  });

  it("anthropic parses a message and a stream", async () => {
    const fake = await startFakeAnthropic([...turns, ...turns]);
    track(fake);
    const client = new Anthropic({ apiKey: "sk-ant-test", baseURL: fake.url, maxRetries: 0 });
    const params = {
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [{ role: "user" as const, content: "hi" }],
    };
    const message = await client.messages.create(params);
    expect(message.content.map((block) => block.type)).toEqual(["text", "tool_use", "tool_use"]);
    expect(message.stop_reason).toBe("tool_use");
    const final = await client.messages.stream(params).finalMessage();
    const withoutIds = (blocks: typeof message.content) =>
      blocks.map((block) => (block.type === "tool_use" ? { ...block, id: "" } : block));
    expect(withoutIds(final.content)).toEqual(withoutIds(message.content));
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage.input_tokens).toBe(21);
    expect(final.usage.output_tokens).toBe(9);
    // SDK 1.x speaks API version 2026-10-21 with Bearer auth; Fairway sends x-api-key with 2023-06-01.
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer sk-ant-test");
  });

  it("@google/genai parses a response and an SSE stream", async () => {
    const fake = await startFakeGemini([...turns, ...turns]);
    track(fake);
    const client = new GoogleGenAI({ apiKey: "g-test", httpOptions: { baseUrl: fake.url } });
    const response = await client.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    expect(response.text).toBe("Checking both cities.");
    expect(response.functionCalls?.map((call) => call.args)).toEqual([{ city: "Paris" }, { city: "Oslo" }]);
    expect(response.usageMetadata?.promptTokenCount).toBe(21);
    let text = "";
    const calls: unknown[] = [];
    for await (const chunk of await client.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "hi",
    })) {
      text += chunk.text ?? "";
      calls.push(...(chunk.functionCalls ?? []));
    }
    expect(text).toBe("Checking both cities.");
    expect(calls).toHaveLength(2);
    expect(fake.requests[1]?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(fake.requests[1]?.query.alt).toBe("sse");
  });

  it("each SDK reads the fakes' error bodies and status", async () => {
    const error = (status: number): FakeTurn => ({ error: { status, message: "messages: bad thing" } });
    const openAiFake = await startFakeOpenAi([error(400)]);
    const anthropicFake = await startFakeAnthropic([error(400)]);
    const geminiFake = await startFakeGemini([error(400)]);
    const fakes = [openAiFake, anthropicFake, geminiFake];
    try {
      const messages = [{ role: "user" as const, content: "hi" }];
      const caught = await Promise.all([
        new OpenAI({ apiKey: "k", baseURL: openAiFake.baseUrl, maxRetries: 0 }).chat.completions
          .create({ model: "gpt-4o", messages })
          .catch((thrown: unknown) => thrown),
        new Anthropic({ apiKey: "k", baseURL: anthropicFake.url, maxRetries: 0 }).messages
          .create({ model: "claude", max_tokens: 10, messages })
          .catch((thrown: unknown) => thrown),
        new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: geminiFake.url } }).models
          .generateContent({ model: "gemini-2.5-flash", contents: "hi" })
          .catch((thrown: unknown) => thrown),
      ]);
      for (const thrown of caught) {
        expect(thrown).toMatchObject({ status: 400 });
        expect(String((thrown as Error).message)).toContain("messages: bad thing");
      }
    } finally {
      await Promise.all(fakes.map((fake) => fake.close()));
    }
  });
});
