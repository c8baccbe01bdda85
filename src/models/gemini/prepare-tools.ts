import { isJsonObject } from "../shared/json.js";
import { outputJsonSchema, toolParametersSchema } from "../shared/json-schema.js";
import { answerFromOutputTool, assertOutputToolName, outputToolDescription } from "../shared/output-tool.js";
import {
  createToolNameMap,
  geminiToolNames,
  resolveToolChoice,
  type ToolNameMap,
} from "../shared/tool-names.js";
import type { ModelRequest, ModelResponse } from "../spec.js";
import { toGeminiSchema } from "./schema-subset.js";

export interface PreparedTools {
  body: { tools?: unknown[]; toolConfig?: unknown };
  names: ToolNameMap;
  /** Turns a call of the structured-output tool into the answer's text message (see `prepareTools`). */
  read(response: ModelResponse): ModelResponse;
}

/**
 * Maps tools to Gemini's `tools: [{functionDeclarations}]` and `toolChoice` to
 * `toolConfig.functionCallingConfig`: `AUTO`, `ANY`, or `ANY` with `allowedFunctionNames: [name]`.
 * Parameters use the Gemini schema subset with an object root; a tool without properties sends no
 * `parameters` (Gemini rejects an object without properties). Names follow Gemini's rule, mapped reversibly.
 *
 * Structured output (`request.output`) next to tools: Gemini models before 3 reject `responseSchema`
 * together with function calling ("Function calling with a response mime type: 'application/json' is
 * unsupported"), so the answer is a function `output.name` whose parameters are the output schema, required
 * with `ANY` unless `toolChoice` names a tool (`src/models/shared/output-tool.ts`); `read` turns its call
 * into the answer's text. Without tools, `generationConfig` carries the schema (`prepare-output.ts`).
 *
 * @throws ConfigError when `toolChoice` names a tool that is not offered, or `output.name` is also the
 *   name of an offered tool.
 */
export function prepareTools(request: ModelRequest): PreparedTools {
  const tools = request.tools ?? [];
  const names = createToolNameMap(geminiToolNames, tools, request.messages);
  if (tools.length === 0) return { body: {}, names, read: (response) => response };
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
  const output = request.output;
  if (output) {
    assertOutputToolName(output, tools, names);
    declarations.push({
      name: output.name,
      description: output.description ?? outputToolDescription,
      parameters: toGeminiSchema(outputJsonSchema(output)),
    });
  }
  const config =
    choice === "auto"
      ? { mode: output ? "ANY" : "AUTO" }
      : choice === "any"
        ? { mode: "ANY" }
        : { mode: "ANY", allowedFunctionNames: [choice.name] };
  return {
    body: { tools: [{ functionDeclarations: declarations }], toolConfig: { functionCallingConfig: config } },
    names,
    read: (response) => (output ? answerFromOutputTool(response, output.name) : response),
  };
}
