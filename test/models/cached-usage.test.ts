import { describe, expect, it } from "vitest";
import { mergeUsage as anthropicUsage } from "../../src/models/anthropic/usage.js";
import { mergeUsage as geminiUsage } from "../../src/models/gemini/usage.js";
import { mapUsage as openAiUsage } from "../../src/models/openai-chat/usage.js";
import type { Usage } from "../../src/models/spec.js";

describe("cached input tokens, where the provider reports them", () => {
  it("OpenAI: prompt_tokens_details.cached_tokens", () => {
    expect(
      openAiUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 64 } }),
    ).toEqual({ inputTokens: 100, outputTokens: 5, cachedInputTokens: 64 });
    expect(openAiUsage({ prompt_tokens: 100, completion_tokens: 5 })).toEqual({
      inputTokens: 100,
      outputTokens: 5,
    });
  });

  it("Anthropic: cache_read_input_tokens (input counts reads and writes too)", () => {
    const usage: Usage = {};
    anthropicUsage(usage, {
      input_tokens: 10,
      cache_creation_input_tokens: 20,
      cache_read_input_tokens: 70,
      output_tokens: 3,
    });
    expect(usage).toEqual({ inputTokens: 100, outputTokens: 3, cachedInputTokens: 70 });
  });

  it("Gemini: cachedContentTokenCount", () => {
    const usage: Usage = {};
    geminiUsage(usage, { promptTokenCount: 50, candidatesTokenCount: 4, cachedContentTokenCount: 32 });
    expect(usage).toEqual({ inputTokens: 50, outputTokens: 4, cachedInputTokens: 32 });
  });
});
