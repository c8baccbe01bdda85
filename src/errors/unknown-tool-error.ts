import { ToolCallError } from "./tool-call-error.js";

/**
 * The model asked for a tool the agent does not have. `available` lists the agent's tool names so the
 * model (which sees this as an `{ error }` result) can pick a real one.
 */
export class UnknownToolError extends ToolCallError {
  readonly available: string[];

  constructor(toolName: string, toolCallId: string, available: string[]) {
    const list = available.length > 0 ? available.map((name) => `"${name}"`).join(", ") : "none";
    super(toolName, toolCallId, `Unknown tool "${toolName}". Available tools: ${list}.`, {
      code: "tool_unknown",
    });
    this.available = available;
  }
}
