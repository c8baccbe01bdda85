import { isJsonObject } from "../shared/json.js";
import { toolParametersSchema } from "../shared/json-schema.js";
import {
  createToolNameMap,
  geminiToolNames,
  resolveToolChoice,
  type ToolNameMap,
} from "../shared/tool-names.js";
import type { ModelRequest } from "../spec.js";
import { toGeminiSchema } from "./schema-subset.js";

export interface PreparedTools {
  body: { tools?: unknown[]; toolConfig?: unknown };
  names: ToolNameMap;
}

/**
 * Maps tools to Gemini's `tools: [{functionDeclarations}]` and `toolChoice` to
 * `toolConfig.functionCallingConfig`: `AUTO`, `ANY`, or `ANY` with `allowedFunctionNames: [name]`.
 * Parameters use the Gemini schema subset with an object root; a tool without properties sends no
 * `parameters` (Gemini rejects an object without properties). Names follow Gemini's rule, mapped reversibly.
 *
 * @throws ConfigError when `toolChoice` names a tool that is not offered.
 */
export function prepareTools(request: ModelRequest): PreparedTools {
  const tools = request.tools ?? [];
  const names = createToolNameMap(geminiToolNames, tools, request.messages);
  if (tools.length === 0) return { body: {}, names };
  const declarations = tools.map((tool) => {
    const out: Record<string, unknown> = { name: names.toProvider(tool.name) };
    if (tool.description) out.description = tool.description;
    const schema = toolParametersSchema(tool);
    if (isJsonObject(schema.properties) && Object.keys(schema.properties).length > 0) {
      out.parameters = toGeminiSchema(schema);
    }
    return out;
  });
  const choice = resolveToolChoice(request, names);
  const config =
    choice === "auto"
      ? { mode: "AUTO" }
      : choice === "any"
        ? { mode: "ANY" }
        : { mode: "ANY", allowedFunctionNames: [choice.name] };
  return {
    body: { tools: [{ functionDeclarations: declarations }], toolConfig: { functionCallingConfig: config } },
    names,
  };
}
