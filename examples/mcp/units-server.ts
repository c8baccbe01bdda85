/**
 * A local MCP server over stdio (the MCP TypeScript SDK's `McpServer` and `StdioServerTransport`) with two
 * tools: `convert({ value, from, to })` and `list_units()`. The MCP example starts it as a child process;
 * any MCP client can too: `node --import tsx examples/mcp/units-server.ts`. It writes nothing to stdout
 * but protocol messages.
 *
 * @module
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { convert, listUnits } from "./units.js";

const server = new McpServer({ name: "units", version: "1.0.0" });
server.registerTool(
  "convert",
  {
    description:
      "Convert a value between units of length, mass or temperature (e.g. km to mi, lb to kg, f to c).",
    inputSchema: { value: z.number(), from: z.string(), to: z.string() },
  },
  async ({ value, from, to }) => {
    try {
      return { content: [{ type: "text", text: `${value} ${from} = ${convert(value, from, to)} ${to}` }] };
    } catch (error) {
      return { isError: true, content: [{ type: "text", text: (error as Error).message }] };
    }
  },
);
server.registerTool("list_units", { description: "List the unit names convert accepts." }, async () => ({
  content: [{ type: "text", text: JSON.stringify(listUnits()) }],
}));
await server.connect(new StdioServerTransport());
