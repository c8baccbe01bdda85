import { outputJsonSchema, toolParametersSchema } from "../shared/json-schema.js";
import { answerFromOutputTool, assertOutputToolName, outputToolDescription } from "../shared/output-tool.js";
import {
  createToolNameMap,
  openAiToolNames,
  resolveToolChoice,
  type ToolNameMap,
} from "../shared/tool-names.js";
import type { ModelRequest, ModelResponse } from "../spec.js";

export interface PreparedTools {
  body: { tools?: unknown[]; tool_choice?: unknown };
  names: ToolNameMap;
  /** Turns a call of the structured-output tool into the answer's text message (see `prepareTools`). */
  read(response: ModelResponse): ModelResponse;
}

/**
 * Maps tools to the Messages API's `tools` (`{name, description, input_schema}`) and `toolChoice` to
 * `tool_choice`: `{type: "auto"}`, `{type: "any"}` or `{type: "tool", name}`. Names follow
 * `^[a-zA-Z0-9_-]{1,64}$` (mapped reversibly).
 *
 * Structured output (`request.output`; Anthropic has no JSON mode) is a tool named `output.name` whose
 * `input_schema` is the output schema: forced (`{type: "tool", name}`) when it is the only tool, and
 * required through `{type: "any"}` (unless `toolChoice` names a tool) when the agent has tools of its own,
 * so the model may still call them first (`src/models/shared/output-tool.ts`). `read` turns the model's
 * call of that tool into one assistant text message holding its input as JSON, as the other adapters
 * return a structured answer.
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
    if (tools.length === 0) return { body: {}, names, read: (response) => response };
    return { body: { tools: wireTools, tool_choice: toolChoice }, names, read: (response) => response };
  }
  assertOutputToolName(output, tools, names);
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
    read: (response) => answerFromOutputTool(response, output.name),
  };
}
