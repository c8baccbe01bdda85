import { toolParametersSchema } from "../shared/json-schema.js";
import {
  createToolNameMap,
  openAiToolNames,
  resolveToolChoice,
  type ToolNameMap,
} from "../shared/tool-names.js";
import type { ModelRequest } from "../spec.js";

export interface PreparedTools {
  body: { tools?: unknown[]; tool_choice?: unknown };
  names: ToolNameMap;
}

/**
 * Maps tools to the Messages API's `tools` (`{name, description, input_schema}`) and `toolChoice` to
 * `tool_choice`: `{type: "auto"}`, `{type: "any"}` or `{type: "tool", name}`. Names follow
 * `^[a-zA-Z0-9_-]{1,64}$` (mapped reversibly).
 *
 * @throws ConfigError when `toolChoice` names a tool that is not offered.
 */
export function prepareTools(request: ModelRequest): PreparedTools {
  const tools = request.tools ?? [];
  const names = createToolNameMap(openAiToolNames, tools, request.messages);
  if (tools.length === 0) return { body: {}, names };
  const wireTools = tools.map((tool) => {
    const out: Record<string, unknown> = { name: names.toProvider(tool.name) };
    if (tool.description) out.description = tool.description;
    out.input_schema = toolParametersSchema(tool);
    return out;
  });
  const choice = resolveToolChoice(request, names);
  const toolChoice = typeof choice === "string" ? { type: choice } : { type: "tool", name: choice.name };
  return { body: { tools: wireTools, tool_choice: toolChoice }, names };
}
