import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openai } from "../../src/models/openai.js";
import type { ToolMessage } from "../../src/models/spec.js";
import { startFakeOpenAi } from "../helpers/fake-provider/index.js";
import { closeServersAfterEach } from "./fixtures.js";

const track = closeServersAfterEach();

const tools = [
  { name: "search", parameters: z.object({ q: z.string() }) },
  { name: "now", description: "takes nothing" },
];

async function callWith(name: string, text: string): Promise<ToolMessage | undefined> {
  const fake = await startFakeOpenAi([{ toolCalls: [{ id: "call_1", name, arguments: text }] }]);
  track(fake);
  const model = openai({ model: "gpt-4o", apiKey: "k", baseUrl: fake.baseUrl });
  const response = await model.generate({ messages: [{ type: "text", role: "user", content: "go" }], tools });
  const call = response.output[0];
  return call?.type === "tool_call" ? call.tools[0] : undefined;
}

describe("malformed tool arguments (R05)", () => {
  it.each([
    ['{{"q": "x"}', "not valid JSON"],
    ['{"q": "ab', "not valid JSON"],
    ['{"q": 1,}', "not valid JSON"],
    ["[]", "not a JSON object"],
    ['"x"', "not a JSON object"],
    ["null", "not a JSON object"],
    ["42", "not a JSON object"],
    ["", "they are empty"],
  ])(
    "keeps the call %j with an inputError naming the tool, never coercing to {} silently",
    async (text, why) => {
      const tool = await callWith("search", text);
      expect(tool).toMatchObject({ id: "call_1", name: "search", input: {} });
      expect(tool?.inputError).toContain('The arguments for tool "search" could not be used');
      expect(tool?.inputError).toContain(why);
    },
  );

  it("reads empty arguments of a tool without parameters as {}", async () => {
    const tool = await callWith("now", "");
    expect(tool).toEqual({ type: "tool", id: "call_1", name: "now", input: {} });
  });

  it("drops __proto__ keys from arguments", async () => {
    const tool = await callWith("search", '{"q":"x","__proto__":{"polluted":true}}');
    expect(tool?.input).toEqual({ q: "x" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
