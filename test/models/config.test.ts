import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/config-error.js";
import { anthropic } from "../../src/models/anthropic.js";
import { azureOpenai } from "../../src/models/azure-openai.js";
import { gemini } from "../../src/models/gemini.js";
import { openai } from "../../src/models/openai.js";
import { tools } from "./fixtures.js";

function configError(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("helper options are checked at definition time", () => {
  it("an empty model name", () => {
    expect(configError(() => openai({ model: "" })).path).toBe("model");
    expect(configError(() => gemini({ model: "  " })).path).toBe("model");
  });

  it("missing Azure fields, each named", () => {
    const base = {
      model: "gpt-4o",
      endpoint: "https://x.openai.azure.com",
      deployment: "d",
      apiVersion: "2024-10-21",
    };
    for (const field of ["endpoint", "deployment", "apiVersion"] as const) {
      expect(configError(() => azureOpenai({ ...base, [field]: "" })).path).toBe(field);
    }
  });

  it("Anthropic max_tokens must be a positive integer; it defaults to 4096", () => {
    expect(configError(() => anthropic({ model: "claude", defaultParameters: { max_tokens: 0 } })).path).toBe(
      "defaultParameters.max_tokens",
    );
    expect(anthropic({ model: "claude" }).modelName).toBe("claude");
  });

  it("timeoutMs must be positive", () => {
    expect(configError(() => openai({ model: "gpt-4o", timeoutMs: 0 })).path).toBe("timeoutMs");
  });
});

describe("tool choice", () => {
  it.each([
    ["openai", openai({ model: "m", apiKey: "k" })],
    ["anthropic", anthropic({ model: "m", apiKey: "k" })],
    ["gemini", gemini({ model: "m", apiKey: "k" })],
  ] as const)(
    "%s: naming a tool that is not offered is a ConfigError before any call",
    async (_name, model) => {
      const request = {
        messages: [{ type: "text" as const, role: "user" as const, content: "hi" }],
        tools,
        toolChoice: "nope",
      };
      const error = await model.generate(request).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ path: "toolChoice" });
    },
  );
});
