/**
 * How an agent reaches an MCP server (AgentKit's `MCP.Server` shapes). Type-only.
 *
 * @module
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";

/** An MCP server: `name` prefixes its tools (`"<name>-<tool>"`); `transport` says how to connect. */
export interface McpServer {
  name: string;
  transport: McpTransport;
}

/** How to connect: AgentKit's four transports, or `custom` with an SDK transport you built. */
export type McpTransport =
  | { type: "streamable-http"; url: string; requestInit?: RequestInit; sessionId?: string }
  | { type: "sse"; url: string; requestInit?: RequestInit }
  | { type: "ws"; url: string }
  | { type: "stdio"; command: string; args?: string[]; env?: Record<string, string> }
  /** An already constructed SDK transport (e.g. `InMemoryTransport` in tests). */
  | { type: "custom"; transport: Transport };

/** AgentKit's `MCP` namespace names for the same types. */
export declare namespace MCP {
  type Server = McpServer;
  type Transport = McpTransport;
}
