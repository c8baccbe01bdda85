/**
 * MCP servers as agent tools. Agents connect on their own (`createAgent({ mcpServers })`); `listMcpTools`
 * is for using an MCP server's tools elsewhere.
 *
 * @module
 */
export type { McpServer, McpTransport } from "./mcp-server.js";
export { listMcpTools, type McpTools } from "./mcp-tools.js";
