import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openai } from "../../src/index.js";
import { startFakeOpenAi } from "../../test/helpers/fake-provider/index.js";
import { closeServersAfterEach } from "../../test/models/fixtures.js";
import { answerText } from "../shared/answer-text.js";
import { runExample } from "../shared/run-example.js";
import { offlineUnits } from "./offline-units.js";
import { convert } from "./units.js";
import { createUnitsAgent } from "./units-agent.js";

const track = closeServersAfterEach();

describe("MCP: an agent using a local MCP server over stdio", () => {
  it("lists the server's tools and calls them; a tool error reaches the model as an error result", async () => {
    const agent = createUnitsAgent(offlineUnits());
    try {
      const converted = await agent.run("Convert 26.2 mi to km", { maxIter: 3 });
      expect([...agent.tools.keys()]).toEqual(["units-convert", "units-list_units"]);
      expect(answerText(converted)).toBe("[offline, not an LLM] 26.2 mi = 42.1648 km");
      const failed = await agent.run("Convert 3 kg to mi", { maxIter: 3 });
      expect(answerText(failed)).toContain("cannot convert kg to mi: different dimensions");
    } finally {
      await agent.closeMcp();
    }
  });

  it("with a provider: the MCP tools are offered with the server's JSON Schema", async () => {
    const server = track(
      await startFakeOpenAi([
        { toolCalls: [{ name: "units-convert", arguments: { value: 212, from: "f", to: "c" } }] },
        { text: "212 °F is 100 °C." },
      ]),
    );
    const agent = createUnitsAgent(
      openai({ model: "gpt-4o-mini", apiKey: "sk-test", baseUrl: server.baseUrl }),
    );
    try {
      const result = await agent.run("212 f in c?", { maxIter: 3 });
      expect(answerText(result)).toBe("212 °F is 100 °C.");
      const tools = server.requests[0]?.body.tools as Array<{
        function: { name: string; parameters: unknown };
      }>;
      expect(tools.map((tool) => tool.function.name)).toEqual(["units-convert", "units-list_units"]);
      expect(tools[0]?.function.parameters).toMatchObject({
        type: "object",
        properties: { value: { type: "number" }, from: { type: "string" }, to: { type: "string" } },
      });
      const second = server.requests[1]?.body.messages.at(-1);
      expect(second).toMatchObject({ role: "tool", content: expect.stringContaining("212 f = 100 c") });
    } finally {
      await agent.closeMcp();
    }
  });

  it("converts by exact factors and refuses mixed dimensions", () => {
    expect(convert(1, "mi", "km")).toBe(1.60934);
    expect(convert(32, "F", "c")).toBe(0);
    expect(() => convert(1, "kg", "m")).toThrow(/different dimensions/);
    expect(() => convert(1, "parsec", "m")).toThrow(/unknown unit "parsec"/);
  });

  it("main.ts runs offline", async () => {
    const out = await runExample(join(import.meta.dirname, "main.ts"), { args: ["Convert 5 lb to kg"] });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("MCP tools: units-convert, units-list_units");
    expect(out.stdout).toContain("A: [offline, not an LLM] 5 lb = 2.26796 kg");
  });
});
