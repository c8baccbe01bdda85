import { isJsonObject } from "../shared/json.js";
import { outputJsonSchema } from "../shared/json-schema.js";
import type { ModelRequest } from "../spec.js";
import { toGeminiSchema } from "./schema-subset.js";

/**
 * The `generationConfig` of a request: the configured one (`defaultParameters.generationConfig`), plus, for
 * structured output (`request.output`), `responseMimeType: "application/json"` and `responseSchema` (the
 * output schema in Gemini's subset, `toGeminiSchema`) when no tools are offered (with tools the answer
 * is an output function, see `prepareTools`). `undefined` when there is nothing to send.
 *
 * @throws ConfigError (path `output.schema`) for a non-object root.
 */
export function generationConfig(
  request: ModelRequest,
  configured: unknown,
): Record<string, unknown> | undefined {
  const base = isJsonObject(configured) ? configured : undefined;
  if (!request.output || (request.tools?.length ?? 0) > 0) return base;
  return {
    ...base,
    responseMimeType: "application/json",
    responseSchema: toGeminiSchema(outputJsonSchema(request.output)),
  };
}
