import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { AnyTool } from "../agents/tool.js";
import { ConfigError } from "../errors/config-error.js";
import { McpError } from "../errors/mcp-error.js";
import { importPeer } from "../peers/import-peer.js";
import type { McpServer, McpTransport } from "./mcp-server.js";

/** The tools of an agent's MCP servers, and a function that closes their connections. */
export interface McpTools {
  tools: AnyTool[];
  close(): Promise<void>;
}

/**
 * Connects to each server, lists its tools and wraps each as a tool named `"<server>-<tool>"` (characters
 * other than letters, digits, `_` and `-` become `_`, at most 64 characters). Parameters are the server's
 * JSON Schema, sent to the model as is (no lossy conversion to zod); the server validates arguments.
 * A call goes to its own server under the tool's bare name; an `isError` answer becomes an `{ error }`
 * result. Wrapped in the agent's tool step, so a durable replay does not call the server again.
 *
 * @throws ConfigError when two tools would get the same name (with each other or a local tool in `taken`).
 * @throws McpError when a server cannot be reached or listed.
 */
export async function listMcpTools(servers: McpServer[], taken: Set<string>): Promise<McpTools> {
  const clients: Client[] = [];
  const tools: AnyTool[] = [];
  const names = new Set(taken);
  const close = async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
  };
  try {
    // The MCP SDK is an optional peer dependency: loaded when an agent first has MCP servers.
    const { Client: McpClient } = await sdk(() => import("@modelcontextprotocol/sdk/client/index.js"));
    for (const [index, server] of servers.entries()) {
      const client = new McpClient({ name: "fairway-agents", version: "0.1.0" });
      try {
        await client.connect(await openTransport(server.transport));
      } catch (error) {
        throw new McpError(server.name, `cannot connect: ${(error as Error).message}`, { cause: error });
      }
      clients.push(client);
      const listed = await client.listTools().catch((error: unknown) => {
        throw new McpError(server.name, `tools/list failed: ${(error as Error).message}`, { cause: error });
      });
      for (const tool of listed.tools) {
        const name = `${server.name}-${tool.name}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
        if (names.has(name)) {
          throw new ConfigError(
            `mcpServers[${index}]`,
            `MCP tool "${tool.name}" would be named "${name}", which another tool already has`,
          );
        }
        names.add(name);
        tools.push(wrap(client, server.name, tool, name));
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { tools, close };
}

function wrap(
  client: Client,
  server: string,
  tool: { name: string; description?: string; inputSchema: Record<string, unknown> },
  name: string,
): AnyTool {
  return {
    name,
    ...(tool.description ? { description: tool.description } : {}),
    parameters: tool.inputSchema,
    mcp: { server, tool: tool.name },
    handler: async (input: Record<string, unknown>) => {
      const result = await client.callTool({ name: tool.name, arguments: input });
      if (result.isError) {
        const text = Array.isArray(result.content)
          ? result.content.map((part) => (part.type === "text" ? part.text : "")).join("")
          : "";
        throw new McpError(server, `tool "${tool.name}" failed: ${text || "no message"}`);
      }
      return result.content;
    },
  };
}

async function openTransport(transport: McpTransport): Promise<Transport> {
  switch (transport.type) {
    case "custom":
      return transport.transport;
    case "streamable-http": {
      const { StreamableHTTPClientTransport } = await sdk(
        () => import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
      );
      return new StreamableHTTPClientTransport(new URL(transport.url), {
        ...(transport.requestInit ? { requestInit: transport.requestInit } : {}),
        ...(transport.sessionId ? { sessionId: transport.sessionId } : {}),
      });
    }
    case "sse": {
      const { SSEClientTransport } = await sdk(() => import("@modelcontextprotocol/sdk/client/sse.js"));
      return new SSEClientTransport(
        new URL(transport.url),
        transport.requestInit ? { requestInit: transport.requestInit } : {},
      );
    }
    case "ws": {
      const { WebSocketClientTransport } = await sdk(
        () => import("@modelcontextprotocol/sdk/client/websocket.js"),
      );
      return new WebSocketClientTransport(new URL(transport.url));
    }
    case "stdio": {
      const { StdioClientTransport } = await sdk(() => import("@modelcontextprotocol/sdk/client/stdio.js"));
      return new StdioClientTransport({
        command: transport.command,
        args: transport.args ?? [],
        ...(transport.env ? { env: transport.env } : {}),
      });
    }
  }
}

/** Loads a module of the MCP SDK; MissingPeerError naming it when it is not installed. */
function sdk<T>(load: () => Promise<T>): Promise<T> {
  return importPeer(load, "@modelcontextprotocol/sdk", "An agent's mcpServers");
}
