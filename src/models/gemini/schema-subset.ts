import { isJsonObject } from "../shared/json.js";
import type { JsonSchema } from "../spec.js";

/** Schema fields Gemini's `Schema` object accepts (Gemini API reference, "Schema"); all others are dropped. */
const kept = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "items",
  "minItems",
  "maxItems",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "anyOf",
]);

/** `format` values Gemini accepts, per type. */
const formats: Record<string, Set<string>> = {
  string: new Set(["date-time", "enum"]),
  integer: new Set(["int32", "int64"]),
  number: new Set(["float", "double"]),
};

/**
 * Rewrites a JSON Schema into the subset Gemini accepts (pitfalls R09, R11), at every depth:
 * `$ref`s are inlined (a recursive reference becomes `{type: "object"}`); `type: [T, "null"]` and
 * `anyOf: [T, {type: "null"}]` become `T` with `nullable: true`; `const` becomes a one-value enum;
 * enums must be strings (other enums are dropped and listed in the description); unsupported keywords
 * (`additionalProperties`, `propertyNames`, `$schema`, `$defs`, `default`, `exclusiveMinimum`, …) and
 * unsupported formats are removed; `properties`, `required` and `items` are kept only where their type
 * allows them (see `fixStructure`).
 */
export function toGeminiSchema(schema: JsonSchema): JsonSchema {
  const definitions = { ...asObject(schema.definitions), ...asObject(schema.$defs) };
  const resolve = (ref: string): unknown => {
    if (ref === "#") return schema;
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
    return match ? definitions[decodeURIComponent(match[1] ?? "")] : undefined;
  };
  const walk = (node: unknown, seen: readonly string[]): JsonSchema => {
    if (!isJsonObject(node)) return {};
    if (typeof node.$ref === "string") {
      const ref = node.$ref;
      const target = resolve(ref);
      if (seen.includes(ref) || target === undefined) return { type: "object" };
      const { $ref: _ref, ...siblings } = node;
      return walk({ ...asObject(target), ...siblings }, [...seen, ref]);
    }
    return simplify(node, (child) => walk(child, seen));
  };
  return walk(schema, []);
}

function simplify(node: Record<string, unknown>, walk: (child: unknown) => JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  let nullable = node.nullable === true;
  let type = node.type;
  if (Array.isArray(type)) {
    nullable ||= type.includes("null");
    const rest = type.filter((entry) => entry !== "null");
    type = rest.length === 1 ? rest[0] : undefined;
    if (rest.length > 1) out.anyOf = rest.map((entry) => ({ type: entry }));
  }
  if (typeof type === "string" && type !== "null") out.type = type;
  let anyOf = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (anyOf) {
    nullable ||= anyOf.some((option) => isJsonObject(option) && option.type === "null");
    anyOf = anyOf.filter((option) => !(isJsonObject(option) && option.type === "null"));
    if (anyOf.length === 1) Object.assign(out, walk(anyOf[0]));
    else if (anyOf.length > 1) out.anyOf = anyOf.map(walk);
  }
  for (const [key, value] of Object.entries(node)) {
    if (!kept.has(key) || key === "type" || key === "anyOf" || key === "nullable") continue;
    if (key === "properties" && isJsonObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, walk(child)]));
    } else if (key === "items") {
      out.items = walk(value);
    } else {
      out[key] = value;
    }
  }
  if (node.const !== undefined) out.enum = [node.const];
  fixEnum(out);
  fixStructure(out);
  if (typeof out.format === "string" && !formats[String(out.type)]?.has(out.format)) delete out.format;
  if (nullable) out.nullable = true;
  return out;
}

function fixEnum(out: JsonSchema): void {
  if (!Array.isArray(out.enum)) return;
  if (out.enum.every((value) => typeof value === "string")) {
    out.type = "string";
    return;
  }
  const values = out.enum.map((value) => JSON.stringify(value)).join(", ");
  out.description = `${typeof out.description === "string" ? `${out.description} ` : ""}(one of: ${values})`;
  delete out.enum;
}

/**
 * Gemini accepts `properties`/`required` only on OBJECT and `items` only on ARRAY, requires `items` on
 * every ARRAY, and every `required` name must be one of `properties` (loose MCP schemas break all of
 * these). A node without a type gets the one its keywords imply; keywords that do not fit the type are
 * dropped; an array without `items` gets string items.
 */
function fixStructure(out: JsonSchema): void {
  if (out.type === undefined && out.anyOf === undefined) {
    if (isJsonObject(out.properties)) out.type = "object";
    else if (out.items !== undefined) out.type = "array";
  }
  if (out.type !== "array") delete out.items;
  else out.items ??= { type: "string" };
  if (out.type !== "object") {
    delete out.properties;
    delete out.required;
    return;
  }
  if (!Array.isArray(out.required)) return;
  const properties = asObject(out.properties);
  const required = out.required.filter((name) => typeof name === "string" && Object.hasOwn(properties, name));
  if (required.length > 0) out.required = required;
  else delete out.required;
}

function asObject(value: unknown): Record<string, unknown> {
  return isJsonObject(value) ? value : {};
}
