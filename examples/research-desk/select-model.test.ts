import { describe, expect, it } from "vitest";
import { selectModel } from "./select-model.js";

describe("selectModel", () => {
  it("uses the offline model, labelled as not an LLM, when no provider is configured", () => {
    const selected = selectModel({ OPENAI_API_KEY: "  " });
    expect(selected).toMatchObject({ selectedBy: "none", offline: true });
    expect(selected.model.modelName).toContain("offline, not an LLM");
  });

  it("takes the first configured provider in the documented order", () => {
    expect(selectModel({ GEMINI_API_KEY: "g", ANTHROPIC_API_KEY: "a" })).toMatchObject({
      selectedBy: "ANTHROPIC_API_KEY",
      offline: false,
      model: { format: "anthropic", modelName: "claude-haiku-4-5" },
    });
    expect(selectModel({ XAI_API_KEY: "x", OPENAI_API_KEY: "o" }).model.format).toBe("openai-chat");
    expect(selectModel({ XAI_API_KEY: "x" }).model.format).toBe("grok");
    expect(selectModel({ GEMINI_API_KEY: "g" }).model.format).toBe("gemini");
  });

  it("serves any OpenAI-compatible server from FAIRWAY_BASE_URL, with FAIRWAY_MODEL naming the model", () => {
    const selected = selectModel({ FAIRWAY_BASE_URL: "http://127.0.0.1:11434/v1", FAIRWAY_MODEL: "qwen2.5" });
    expect(selected).toMatchObject({
      selectedBy: "FAIRWAY_BASE_URL",
      model: { format: "openai-chat", modelName: "qwen2.5" },
    });
  });

  it("prefers FAIRWAY_BASE_URL over OPENAI_API_KEY, which then serves as that server's key (OpenRouter)", () => {
    const selected = selectModel({
      OPENAI_API_KEY: "sk-or-x",
      FAIRWAY_BASE_URL: "https://openrouter.ai/api/v1",
    });
    expect(selected).toMatchObject({ selectedBy: "FAIRWAY_BASE_URL", model: { modelName: "llama3.2" } });
  });
});
