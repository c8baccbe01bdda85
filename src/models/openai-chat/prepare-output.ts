import { isJsonObject, parseJson } from "../shared/json.js";
import { outputJsonSchema } from "../shared/json-schema.js";
import type { Message, ModelRequest } from "../spec.js";
import { dropOptionalNulls, toStrictSchema } from "./strict-schema.js";

/** The `response_format` request field of a structured-output request, and how to read the answer back. */
export interface PreparedOutput {
  body: { response_format?: unknown };
  /** Turns strict mode's `null`s of optional fields back into absent fields in the JSON answer. */
  read(output: Message[]): Message[];
}

/**
 * Maps `request.output` to `response_format: {type: "json_schema", json_schema: {name, description?,
 * schema, strict}}` (OpenAI "Structured Outputs"). With `allowStrict` the schema is rewritten for strict
 * mode (`toStrictSchema`) and `strict: true` is sent; optional fields the model answers with `null` are
 * then removed from the answer, so the caller's own schema sees them absent. Without it (Grok) the schema is
 * sent as is and `strict` is not sent.
 *
 * @throws ConfigError (path `output.schema…`) for a non-object root, or, in strict mode, an object with
 *   open `additionalProperties` (a `z.record`).
 */
export function prepareOutput(request: ModelRequest, allowStrict: boolean): PreparedOutput {
  const output = request.output;
  if (!output) return { body: {}, read: (messages) => messages };
  let schema = outputJsonSchema(output);
  let optionalPaths: string[][] = [];
  if (allowStrict) {
    ({ schema, optionalPaths } = toStrictSchema(
      schema,
      "output.schema",
      "use an object with known keys (z.object) for structured output",
    ));
  }
  const jsonSchema: Record<string, unknown> = { name: output.name };
  if (output.description) jsonSchema.description = output.description;
  jsonSchema.schema = schema;
  if (allowStrict) jsonSchema.strict = true;
  return {
    body: { response_format: { type: "json_schema", json_schema: jsonSchema } },
    read: (messages) =>
      optionalPaths.length === 0 ? messages : messages.map((message) => withoutNulls(message, optionalPaths)),
  };
}

function withoutNulls(message: Message, optionalPaths: string[][]): Message {
  if (message.type !== "text" || typeof message.content !== "string") return message;
  const parsed = parseJson(message.content);
  if (!parsed.ok || !isJsonObject(parsed.value)) return message;
  return { ...message, content: JSON.stringify(dropOptionalNulls(parsed.value, optionalPaths)) };
}
