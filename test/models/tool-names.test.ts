import { describe, expect, it } from "vitest";
import { createToolNameMap, geminiToolNames, openAiToolNames } from "../../src/models/shared/tool-names.js";
import type { ToolDefinition } from "../../src/models/spec.js";
import { closeServersAfterEach, fakeModel, sentToolDefinitions } from "./fixtures.js";

const long = `tool_${"x".repeat(65)}`;
const names = ["a.b", "a_b", long, "1tool", "ok-name"];
const tools: ToolDefinition[] = names.map((name) => ({ name }));

describe("tool-name mapping (R08)", () => {
  const track = closeServersAfterEach();

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

  it("refuses two tools with the same name, naming it, for every format (R16)", async () => {
    for (const format of ["openai", "anthropic", "gemini"] as const) {
      const { server, model } = await fakeModel(format);
      track(server);
      const request = {
        messages: [{ type: "text" as const, role: "user" as const, content: "go" }],
        tools: [{ name: "search" }, { name: "lookup" }, { name: "search", description: "from MCP" }],
      };
      await expect(model.generate(request)).rejects.toThrow(
        'tools: must not offer two tools with the same name (received "search")',
      );
      expect(server.requests).toHaveLength(0);
    }
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

  it.each(["openai", "anthropic", "gemini"] as const)(
    "%s: a call to the sanitized name of a.b reaches a.b",
    async (format) => {
      const { server, model } = await fakeModel(format);
      track(server);
      const sentName = (index: number) =>
        String(sentToolDefinitions(format, server.requests[0]?.body)[index]?.name);
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
