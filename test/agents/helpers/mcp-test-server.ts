import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/**
 * A real MCP server (the SDK's McpServer over stateless streamable HTTP) on 127.0.0.1, port 0. It exposes
 * `search({ query })`, answering `"<label>: <query>"`, and `fail()`, which answers with `isError`. Every
 * call is recorded in `calls`.
 */
export async function startMcpTestServer(
  label: string,
): Promise<{ url: string; calls: Array<{ tool: string; args: unknown }>; close(): Promise<void> }> {
  const calls: Array<{ tool: string; args: unknown }> = [];
  const build = () => {
    const server = new McpServer({ name: label, version: "1.0.0" });
    server.registerTool(
      "search",
      { description: `Search ${label}`, inputSchema: { query: z.string() } },
      async (args) => {
        calls.push({ tool: "search", args });
        return { content: [{ type: "text", text: `${label}: ${args.query}` }] };
      },
    );
    server.registerTool("fail", { description: "Always fails" }, async () => {
      calls.push({ tool: "fail", args: {} });
      return { isError: true, content: [{ type: "text", text: "backend unavailable" }] };
    });
    return server;
  };
  const http: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
    const server = build();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
