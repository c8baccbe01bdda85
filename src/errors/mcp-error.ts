import { FairwayError } from "./fairway-error.js";

/**
 * An MCP server could not be reached, listed no usable tools, or answered a tool call with an error.
 * `server` is the server's `name` as configured on the agent.
 */
export class McpError extends FairwayError {
  readonly server: string;

  constructor(server: string, message: string, options?: { cause?: unknown }) {
    super("mcp_failed", `MCP server "${server}": ${message}`, options);
    this.server = server;
  }
}
