import { afterEach, describe, expect, it } from "vitest";
import { anthropic } from "../../src/models/anthropic.js";
import { gemini } from "../../src/models/gemini.js";
import { openai } from "../../src/models/openai.js";
import { createToolNameMap, geminiToolNames, openAiToolNames } from "../../src/models/shared/tool-names.js";
import type { Model, ToolDefinition } from "../../src/models/spec.js";
import {
  type FakeProviderServer,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAi,
} from "../helpers/fake-provider/index.js";

const long = `tool_${"x".repeat(65)}`;
const names = ["a.b", "a_b", long, "1tool", "ok-name"];
const tools: ToolDefinition[] = names.map((name) => ({ name }));

describe("tool-name mapping (R08)", () => {
  it.each([
    ["OpenAI/Anthropic", openAiToolNames, /^[A-Za-z0-9_-]{1,64}$/],
    ["Gemini", geminiToolNames, /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/],
  ] as const)("%s: every name is valid, unique and maps back", (_label, rule, pattern) => {
    const map = createToolNameMap(rule, tools);
    const sent = names.map((name) => map.toProvider(name));
    for (const name of sent) expect(name).toMatch(pattern);
    expect(new Set(sent).size).toBe(names.length);
    for (const name of names) expect(map.fromProvider(map.toProvider(name))).toBe(name);
    expect(map.toProvider("a_b")).toBe("a_b");
    expect(map.toProvider("ok-name")).toBe("ok-name");
    expect(map.fromProvider("unknown_tool")).toBe("unknown_tool");
  });

  it("is deterministic and independent of the other tools", () => {
    const alone = createToolNameMap(openAiToolNames, [{ name: "a.b" }]);
    const together = createToolNameMap(openAiToolNames, [...tools].reverse());
    expect(alone.toProvider("a.b")).toBe(together.toProvider("a.b"));
    expect(createToolNameMap(geminiToolNames, tools).toProvider("a.b")).toBe("a.b");
  });

  it("maps names of tools called earlier in the conversation too", () => {
    const map = createToolNameMap(
      openAiToolNames,
      [],
      [
        {
          type: "tool_call",
          role: "assistant",
          stop_reason: "tool",
          tools: [{ type: "tool", id: "1", name: "x.y", input: {} }],
        },
      ],
    );
    expect(map.fromProvider(map.toProvider("x.y"))).toBe("x.y");
  });

  const servers: FakeProviderServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it.each(["openai", "anthropic", "gemini"] as const)(
    "%s: a call to the sanitized name of a.b reaches a.b",
    async (format) => {
      const server =
        format === "openai"
          ? await startFakeOpenAi()
          : format === "anthropic"
            ? await startFakeAnthropic()
            : await startFakeGemini();
      servers.push(server);
      const model: Model =
        format === "openai"
          ? openai({ model: "m", apiKey: "k", baseUrl: server.baseUrl })
          : format === "anthropic"
            ? anthropic({ model: "m", apiKey: "k", baseUrl: server.baseUrl })
            : gemini({ model: "m", apiKey: "k", baseUrl: server.baseUrl });
      const sentName = (index: number): string => {
        const body = server.requests[0]?.body;
        if (format === "openai") return body.tools[index].function.name;
        if (format === "anthropic") return body.tools[index].name;
        return body.tools[0].functionDeclarations[index].name;
      };
      const request = { messages: [{ type: "text" as const, role: "user" as const, content: "go" }], tools };
      server.push({ text: "ok" });
      await model.generate(request);
      server.push({
        toolCalls: [
          { name: sentName(3), arguments: "{}" },
          { name: sentName(0), arguments: "{}" },
        ],
      });
      const response = await model.generate(request);
      const call = response.output[0];
      expect(call?.type === "tool_call" && call.tools.map((tool) => tool.name)).toEqual(["1tool", "a.b"]);
    },
  );
});
