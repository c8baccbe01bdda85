import { ConfigError } from "../../errors/config-error.js";
import type { Message, ModelResponse, OutputFormat, ToolDefinition } from "../spec.js";
import type { ToolNameMap } from "./tool-names.js";

/**
 * Structured output through a tool, for providers without a JSON mode (Anthropic) or that cannot combine
 * theirs with function calling (Gemini before 3): a tool named `output.name` whose input schema is the
 * output schema, which the model must call (forced when it is the only tool, through "any" otherwise, so
 * the model may still call the agent's own tools first). Its call is read back as the answer's text.
 */

/** The description of the output tool when the request gives none. */
export const outputToolDescription = "Give your final answer by calling this tool: its input is the answer.";

/**
 * Checks that the output tool's name is free among the offered tools.
 *
 * @throws ConfigError (`output.name`) when an offered tool already has that name.
 */
export function assertOutputToolName(
  output: OutputFormat,
  tools: ToolDefinition[],
  names: ToolNameMap,
): void {
  if (tools.some((tool) => names.toProvider(tool.name) === output.name)) {
    throw new ConfigError("output.name", "must differ from the names of the agent's tools", output.name);
  }
}

/**
 * Replaces the model's calls of the output tool by one assistant text message with their input as JSON
 * (the last call wins); the stop reason becomes `stop` when no other call is left.
 */
export function answerFromOutputTool(response: ModelResponse, toolName: string): ModelResponse {
  let answer: string | undefined;
  const output: Message[] = [];
  for (const message of response.output) {
    if (message.type !== "tool_call") {
      output.push(message);
      continue;
    }
    const others = message.tools.filter((tool) => {
      if (tool.name !== toolName) return true;
      answer = JSON.stringify(tool.input);
      return false;
    });
    if (others.length > 0) output.push({ ...message, tools: others });
  }
  if (answer === undefined) return response;
  const calls = output.some((message) => message.type === "tool_call");
  const stop: "tool" | "stop" = calls ? "tool" : "stop";
  const texts = output.map((message) =>
    message.type === "text" ? { ...message, stop_reason: stop } : message,
  );
  return {
    ...response,
    output: [...texts, { type: "text", role: "assistant", content: answer, stop_reason: stop }],
    stopReason: calls ? response.stopReason : response.stopReason === "tool" ? "stop" : response.stopReason,
  };
}
