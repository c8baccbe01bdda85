import { FairwayError } from "./fairway-error.js";

/**
 * A tool call failed: the tool threw, or the call itself was invalid (see `UnknownToolError`,
 * `InvalidToolArgumentsError`). Agents never let it crash a run: it becomes the `{ error }` tool result
 * the model sees, so the model can correct itself. `toolName` and `toolCallId` identify the call.
 * Codes used with this class itself: `tool_call_failed` (default) and `tool_result_invalid` (the tool
 * returned a value JSON cannot hold, such as a BigInt or a cycle).
 */
export class ToolCallError extends FairwayError {
  readonly toolName: string;
  readonly toolCallId: string;

  constructor(
    toolName: string,
    toolCallId: string,
    message: string,
    options?: { cause?: unknown; code?: string },
  ) {
    super(options?.code ?? "tool_call_failed", message, options);
    this.toolName = toolName;
    this.toolCallId = toolCallId;
  }
}
