import { toolParametersSchema } from "../shared/json-schema.js";
import {
  createToolNameMap,
  openAiToolNames,
  resolveToolChoice,
  type ToolNameMap,
} from "../shared/tool-names.js";
import type { ModelRequest } from "../spec.js";
import { toStrictSchema } from "./strict-schema.js";

/** The `tools` and `tool_choice` request fields, plus what is needed to read calls back. */
export interface PreparedTools {
  body: { tools?: unknown[]; tool_choice?: unknown };
  names: ToolNameMap;
  /** Per Fairway tool name: fields made nullable by strict mode, whose `null`s are dropped on return. */
  optionalPaths: Map<string, string[][]>;
}

/**
 * Maps Fairway tools to OpenAI chat-completions `tools` (`{type: "function", function: {name,
 * description, parameters, strict}}`) and `toolChoice` to `tool_choice`: `"auto"` → `"auto"`, `"any"` →
 * `"required"`, a tool name → `{type: "function", function: {name}}`. Strict mode is used for tools with
 * `strict: true` unless `allowStrict` is false (Grok). Names are mapped by `openAiToolNames`.
 *
 * @throws ConfigError when `toolChoice` names a tool that is not offered.
 */
export function prepareTools(request: ModelRequest, allowStrict: boolean): PreparedTools {
  const tools = request.tools ?? [];
  const names = createToolNameMap(openAiToolNames, tools, request.messages);
  const optionalPaths = new Map<string, string[][]>();
  if (tools.length === 0) return { body: {}, names, optionalPaths };
  const wireTools = tools.map((tool) => {
    let parameters = toolParametersSchema(tool);
    const strict = allowStrict && tool.strict === true;
    if (strict) {
      const converted = toStrictSchema(
        parameters,
        `tools.${tool.name}.parameters`,
        "set `strict: false` on the tool",
      );
      parameters = converted.schema;
      optionalPaths.set(tool.name, converted.optionalPaths);
    }
    const fn: Record<string, unknown> = { name: names.toProvider(tool.name) };
    if (tool.description) fn.description = tool.description;
    fn.parameters = parameters;
    if (allowStrict && tool.strict !== undefined) fn.strict = strict;
    return { type: "function", function: fn };
  });
  return { body: { tools: wireTools, tool_choice: toolChoice(request, names) }, names, optionalPaths };
}

function toolChoice(request: ModelRequest, names: ToolNameMap): unknown {
  const choice = resolveToolChoice(request, names);
  if (choice === "auto") return "auto";
  if (choice === "any") return "required";
  return { type: "function", function: { name: choice.name } };
}
