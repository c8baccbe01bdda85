import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createAgent, createTool } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";
import { startMcpTestServer } from "./helpers/mcp-test-server.js";

let alpha: Awaited<ReturnType<typeof startMcpTestServer>>;
let beta: Awaited<ReturnType<typeof startMcpTestServer>>;

beforeAll(async () => {
  alpha = await startMcpTestServer("alpha");
  beta = await startMcpTestServer("beta");
});
afterAll(async () => {
  await alpha.close();
  await beta.close();
});

describe("MCP servers as tools", () => {
  it("lists tools of several servers under unique prefixed names and routes each call to its own server (R16)", async () => {
    const local = createTool({
      name: "search",
      parameters: z.object({ query: z.string() }),
      handler: ({ query }) => `local: ${query}`,
    });
    const model = scriptedModel([
      {
        toolCalls: [
          { name: "beta-search", input: { query: "tides" } },
          { name: "search", input: { query: "x" } },
          { name: "alpha-fail" },
        ],
      },
      "ok",
    ]);
    const agent = createAgent({
      name: "researcher",
      system: "s",
      model,
      tools: [local],
      mcpServers: [
        { name: "alpha", transport: { type: "streamable-http", url: alpha.url } },
        { name: "beta", transport: { type: "streamable-http", url: beta.url } },
      ],
    });
    try {
      const result = await agent.run("go", { maxIter: 2 });
      expect(model.requests[0]!.tools?.map((t) => t.name)).toEqual([
        "search",
        "alpha-search",
        "alpha-fail",
        "beta-search",
        "beta-fail",
      ]);
      const alphaSearch = model.requests[0]!.tools?.find((t) => t.name === "alpha-search");
      expect(alphaSearch?.parameters).toMatchObject({
        type: "object",
        properties: { query: { type: "string" } },
      });
      expect(beta.calls).toEqual([{ tool: "search", args: { query: "tides" } }]);
      expect(alpha.calls).toEqual([{ tool: "fail", args: {} }]);
      const contents = model.requests[1]!.messages.filter((m) => m.type === "tool_result").map((m) =>
        m.type === "tool_result" ? m.content : null,
      );
      expect(contents[0]).toEqual({ data: [{ type: "text", text: "beta: tides" }] });
      expect(contents[1]).toEqual({ data: "local: x" });
      expect(contents[2]).toMatchObject({ error: { code: "mcp_failed" } });
      expect(result.output.at(-1)).toMatchObject({ content: "ok" });
    } finally {
      await agent.closeMcp();
    }
  });

  it("fails clearly on a name clash, and on an unreachable server", async () => {
    const clash = createAgent({
      name: "a",
      system: "s",
      model: scriptedModel(["x"]),
      mcpServers: [
        { name: "alpha", transport: { type: "streamable-http", url: alpha.url } },
        { name: "alpha", transport: { type: "streamable-http", url: beta.url } },
      ],
    });
    await expect(clash.run("x")).rejects.toMatchObject({ code: "config_invalid", path: "mcpServers[1]" });
    const down = createAgent({
      name: "b",
      system: "s",
      model: scriptedModel(["x"]),
      mcpServers: [{ name: "gone", transport: { type: "streamable-http", url: "http://127.0.0.1:9/mcp" } }],
    });
    await expect(down.run("x")).rejects.toMatchObject({ code: "mcp_failed", server: "gone" });
  });
});
