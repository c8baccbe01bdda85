import { ConfigError } from "../../errors/config-error.js";
import { outputJsonSchema, toolParametersSchema } from "../shared/json-schema.js";
import {
  createToolNameMap,
  openAiToolNames,
  resolveToolChoice,
  type ToolNameMap,
} from "../shared/tool-names.js";
import type { Message, ModelRequest } from "../spec.js";

export interface PreparedTools {
  body: { tools?: unknown[]; tool_choice?: unknown };
  names: ToolNameMap;
  /** Turns a call of the structured-output tool into the answer's text message (see `prepareTools`). */
  read(output: Message[]): Message[];
}

/** The description of the forced tool that carries a structured answer, when the request gives none. */
const outputToolDescription = "Give your final answer by calling this tool: its input is the answer.";

/**
 * Maps tools to the Messages API's `tools` (`{name, description, input_schema}`) and `toolChoice` to
 * `tool_choice`: `{type: "auto"}`, `{type: "any"}` or `{type: "tool", name}`. Names follow
 * `^[a-zA-Z0-9_-]{1,64}$` (mapped reversibly).
 *
 * Structured output (`request.output`; Anthropic has no JSON mode) is a tool named `output.name` whose
 * `input_schema` is the output schema: forced (`{type: "tool", name}`) when it is the only tool, and
 * required through `{type: "any"}` (unless `toolChoice` names a tool) when the agent has tools of its own,
 * so the model may still call them first. `read` turns the model's call of that tool into one assistant
 * text message holding its input as JSON, as the other adapters return a structured answer.
 *
 * @throws ConfigError when `toolChoice` names a tool that is not offered, or `output.name` is also the
 *   name of an offered tool.
 */
export function prepareTools(request: ModelRequest): PreparedTools {
  const tools = request.tools ?? [];
  const names = createToolNameMap(openAiToolNames, tools, request.messages);
  const wireTools = tools.map((tool) => {
    const out: Record<string, unknown> = { name: names.toProvider(tool.name) };
    if (tool.description) out.description = tool.description;
    out.input_schema = toolParametersSchema(tool);
    return out;
  });
  const choice = tools.length > 0 ? resolveToolChoice(request, names) : undefined;
  let toolChoice = typeof choice === "object" ? { type: "tool", name: choice.name } : { type: choice };
  const output = request.output;
  if (!output) {
    if (tools.length === 0) return { body: {}, names, read: (messages) => messages };
    return { body: { tools: wireTools, tool_choice: toolChoice }, names, read: (messages) => messages };
  }
  if (tools.some((tool) => names.toProvider(tool.name) === output.name)) {
    throw new ConfigError("output.name", "must differ from the names of the agent's tools", output.name);
  }
  wireTools.push({
    name: output.name,
    description: output.description ?? outputToolDescription,
    input_schema: outputJsonSchema(output),
  });
  if (choice === undefined) toolChoice = { type: "tool", name: output.name };
  else if (choice === "auto") toolChoice = { type: "any" };
  return {
    body: { tools: wireTools, tool_choice: toolChoice },
    names,
    read: (messages) => answerFromOutputTool(messages, output.name),
  };
}

/** Replaces the calls of the output tool by a text message with their input (the last call wins). */
function answerFromOutputTool(messages: Message[], toolName: string): Message[] {
  let answer: string | undefined;
  const out: Message[] = [];
  for (const message of messages) {
    if (message.type !== "tool_call") {
      out.push(message);
      continue;
    }
    const others = message.tools.filter((tool) => {
      if (tool.name !== toolName) return true;
      answer = JSON.stringify(tool.input);
      return false;
    });
    if (others.length > 0) out.push({ ...message, tools: others });
  }
  if (answer === undefined) return messages;
  const stop: "tool" | "stop" = out.some((message) => message.type === "tool_call") ? "tool" : "stop";
  const texts = out.map((message) => (message.type === "text" ? { ...message, stop_reason: stop } : message));
  return [...texts, { type: "text", role: "assistant", content: answer, stop_reason: stop }];
}
