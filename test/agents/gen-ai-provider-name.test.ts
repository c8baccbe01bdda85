import { trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genAiProviderName, traceModelCall } from "../../src/agents/gen-ai-spans.js";
import { anthropic, azureOpenai, gemini, grok, openai } from "../../src/models/index.js";
import type { Model, ModelResponse } from "../../src/models/spec.js";

const exporter = new InMemorySpanExporter();
beforeAll(() => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
});
afterAll(() => trace.disable());

describe("gen_ai.provider.name", () => {
  it("is the GenAI semantic conventions' name of each built-in model's provider, not its wire format", () => {
    const azure = azureOpenai({
      model: "gpt-4o",
      endpoint: "https://example.openai.azure.com",
      deployment: "d",
      apiVersion: "2024-10-21",
    });
    const names = [
      openai({ model: "gpt-4o" }),
      openai({ model: "llama3.2", baseUrl: "http://127.0.0.1:11434/v1" }),
      anthropic({ model: "claude-sonnet-4-5" }),
      gemini({ model: "gemini-2.5-flash" }),
      grok({ model: "grok-3" }),
      azure,
    ].map((model) => genAiProviderName(model.format));
    expect(names).toEqual(["openai", "openai", "anthropic", "gcp.gemini", "x_ai", "azure.ai.openai"]);
    expect(genAiProviderName("my-gateway")).toBe("my-gateway");
  });

  it("is set on the model-call span", async () => {
    const response: ModelResponse = { output: [], stopReason: "stop", usage: {}, raw: {} };
    const model: Model = { format: "gemini", modelName: "gemini-2.5-flash", generate: async () => response };
    await traceModelCall(model, async () => response);
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes).toMatchObject({
      "gen_ai.provider.name": "gcp.gemini",
      "gen_ai.request.model": "gemini-2.5-flash",
    });
  });
});
