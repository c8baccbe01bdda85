import { z } from "zod";
import { ConfigError } from "../../errors/config-error.js";
import type { JsonSchema, OutputFormat, ToolDefinition } from "../spec.js";
import { isJsonObject } from "./json.js";

/**
 * The JSON Schema (draft 2020-12) of a tool's parameters, the same for every provider before each
 * adapter applies its own dialect:
 * - zod 4 schemas (classic or mini) go through zod's own `z.toJSONSchema` in `input` mode, so fields
 *   with defaults are optional; types JSON Schema cannot express become `{}`;
 * - a JSON Schema object (e.g. an MCP tool's `inputSchema`) is deep-copied as given;
 * - no parameters gives `{ type: "object", properties: {} }` (pitfall R07).
 * The root must describe an object; `properties` is always present, an empty `required` is dropped and
 * the root `$schema` is removed. The result is cached per parameters object and must not be mutated.
 *
 * @throws ConfigError (path `tools.<name>.parameters`) for a zod 3 schema or a non-object root.
 */
export function toolParametersSchema(tool: ToolDefinition): JsonSchema {
  if (tool.parameters === undefined) return { type: "object", properties: {} };
  return objectSchema(tool.parameters, `tools.${tool.name}.parameters`);
}

/**
 * The JSON Schema of a structured-output request (`ModelRequest.output.schema`), converted and checked as
 * `toolParametersSchema` does (object root, cached, read-only).
 *
 * @throws ConfigError (path `output.schema`) for a zod 3 schema or a non-object root.
 */
export function outputJsonSchema(output: OutputFormat): JsonSchema {
  return objectSchema(output.schema, "output.schema");
}

function objectSchema(parameters: NonNullable<ToolDefinition["parameters"]>, path: string): JsonSchema {
  const cached = cache.get(parameters);
  if (cached) return cached;
  const schema = buildSchema(parameters, path);
  cache.set(parameters, schema);
  return schema;
}

/** Converted schemas by parameters object: conversion runs once per schema, not once per call. Read-only. */
const cache = new WeakMap<object, JsonSchema>();

function buildSchema(parameters: ToolDefinition["parameters"], path: string): JsonSchema {
  const schema = convert(parameters, path);
  const { $schema: _ignored, ...rest } = schema;
  if (rest.type === undefined && isJsonObject(rest.properties)) rest.type = "object";
  if (rest.type !== "object") {
    throw new ConfigError(
      path,
      'must describe an object (JSON Schema `type: "object"`, e.g. z.object({...}))',
      rest.type,
    );
  }
  if (!isJsonObject(rest.properties)) rest.properties = {};
  if (Array.isArray(rest.required) && rest.required.length === 0) delete rest.required;
  return rest;
}

function convert(parameters: ToolDefinition["parameters"], path: string): JsonSchema {
  if (parameters === undefined) return { type: "object", properties: {} };
  if (!isJsonObject(parameters))
    throw new ConfigError(path, "must be a zod 4 schema or a JSON Schema object", parameters);
  if ("_zod" in parameters) {
    return z.toJSONSchema(parameters as unknown as z.ZodType, {
      io: "input",
      unrepresentable: "any",
    }) as JsonSchema;
  }
  if ("_def" in parameters) {
    throw new ConfigError(
      path,
      'is a zod 3 schema; use zod 4 (`import { z } from "zod"`) or pass a JSON Schema object',
    );
  }
  return structuredClone(parameters) as JsonSchema;
}
