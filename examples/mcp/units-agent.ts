/**
 * An agent whose tools come from a local MCP server over stdio (`units-server.ts`, started as a child
 * process on the agent's first run): they appear as `units-convert` and `units-list_units`.
 *
 * @module
 */
import { join } from "node:path";
import { createAgent, type Model } from "../../src/index.js";

/** How to start the units server: this Node, with tsx to load TypeScript. */
export function unitsServer() {
  const tsx = import.meta.resolve("tsx");
  return {
    name: "units",
    transport: {
      type: "stdio" as const,
      command: process.execPath,
      args: ["--import", tsx, join(import.meta.dirname, "units-server.ts")],
    },
  };
}

/** The agent; call `agent.closeMcp()` when done, to stop the server. */
export function createUnitsAgent(model: Model) {
  return createAgent({
    name: "Units Assistant",
    system: "You answer questions about units. Use the units tools to convert; never convert in your head.",
    model,
    mcpServers: [unitsServer()],
  });
}
