import { ConfigError } from "../../errors/config-error.js";
import { isJsonObject } from "../shared/json.js";
import type { JsonSchema } from "../spec.js";

/** A schema rewritten for OpenAI strict mode, with the paths of fields that were optional only. */
export interface StrictSchema {
  schema: JsonSchema;
  /** Property paths (`"*"` for array items) that became nullable because they were optional. */
  optionalPaths: string[][];
}

/**
 * Rewrites a tool's JSON Schema for OpenAI strict mode (structured outputs), pitfall R12: every object
 * lists all its properties in `required` (omitted when it has none, R07) and has
 * `additionalProperties: false`; properties that were
 * optional (or had a default) become `anyOf: [schema, {type: "null"}]`; `default` and `oneOf` (unsupported)
 * become nothing and `anyOf`. `dropOptionalNulls` later turns the model's `null`s back into absent fields.
 * Fields inside `$defs` are made strict too, but their nulls are not tracked.
 *
 * `path` names the schema in errors (`tools.<name>.parameters`, `output.schema`); `fix` says how to avoid
 * the error there.
 *
 * @throws ConfigError (path `<path>…`) when an object has open `additionalProperties` (e.g. `z.record`),
 *   which strict mode cannot express.
 */
export function toStrictSchema(schema: JsonSchema, path: string, fix: string): StrictSchema {
  const optionalPaths: string[][] = [];
  const walk = (node: unknown, at: string[] | null): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, at));
    if (!isJsonObject(node)) return node;
    const { default: _default, oneOf, ...out } = node;
    if (oneOf !== undefined) out.anyOf = oneOf;
    if (out.type === "object" || isJsonObject(out.properties)) {
      if (out.additionalProperties !== undefined && out.additionalProperties !== false) {
        const where = at && at.length > 0 ? `.${at.join(".")}` : "";
        throw new ConfigError(
          `${path}${where}`,
          `has open additionalProperties (a record or passthrough object), which OpenAI strict mode rejects; ${fix}`,
        );
      }
      const properties = isJsonObject(out.properties) ? out.properties : {};
      const required = new Set(Array.isArray(out.required) ? out.required : []);
      const strictProperties: JsonSchema = {};
      for (const [key, child] of Object.entries(properties)) {
        const childPath = at && [...at, key];
        let converted = walk(child, childPath);
        if (!required.has(key) && !allowsNull(converted)) {
          converted = { anyOf: [converted, { type: "null" }] };
          if (childPath) optionalPaths.push(childPath);
        }
        strictProperties[key] = converted;
      }
      out.properties = strictProperties;
      const names = Object.keys(strictProperties);
      if (names.length > 0) out.required = names;
      else delete out.required; // an empty `required` is omitted (pitfall R07)
      out.additionalProperties = false;
    }
    if (out.items !== undefined) out.items = walk(out.items, at && [...at, "*"]);
    if (out.anyOf !== undefined) out.anyOf = walk(out.anyOf, at);
    for (const key of ["$defs", "definitions"]) {
      if (isJsonObject(out[key])) {
        out[key] = Object.fromEntries(Object.entries(out[key]).map(([name, def]) => [name, walk(def, null)]));
      }
    }
    return out;
  };
  return { schema: walk(schema, []) as JsonSchema, optionalPaths };
}

function allowsNull(schema: unknown): boolean {
  if (!isJsonObject(schema)) return false;
  if (schema.type === "null" || (Array.isArray(schema.type) && schema.type.includes("null"))) return true;
  return Array.isArray(schema.anyOf) && schema.anyOf.some(allowsNull);
}

/** Removes `null` values at `optionalPaths` (from `toStrictSchema`) so the tool's own schema sees them absent. */
export function dropOptionalNulls(
  input: Record<string, unknown>,
  optionalPaths: readonly string[][],
): Record<string, unknown> {
  const drop = (value: unknown, path: readonly string[]): void => {
    const [key, ...rest] = path;
    if (key === undefined) return;
    if (key === "*") {
      if (Array.isArray(value)) for (const item of value) drop(item, rest);
      return;
    }
    if (!isJsonObject(value) || !Object.hasOwn(value, key)) return;
    if (rest.length === 0) {
      if (value[key] === null) delete value[key];
    } else {
      drop(value[key], rest);
    }
  };
  for (const path of optionalPaths) drop(input, path);
  return input;
}
