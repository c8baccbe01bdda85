import type { Context } from "hono";
import { parse as secureParse } from "secure-json-parse";
import type { z } from "zod";
import { ValidationError, type ValidationIssue } from "../errors/validation-error.js";

/**
 * Reads a JSON request body and checks it against `schema`.
 * `__proto__` and `constructor.prototype` keys are rejected while parsing (secure-json-parse).
 *
 * @throws ValidationError naming the body (`what`) with one issue per problem: malformed JSON,
 *   unknown fields, wrong types.
 */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  what: string,
): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value =
      text.trim() === ""
        ? undefined
        : secureParse(text, undefined, { protoAction: "error", constructorAction: "error" });
  } catch (error) {
    throw new ValidationError(what, [{ path: "", message: `malformed JSON (${(error as Error).message})` }]);
  }
  return check(schema, value, what);
}

/** Checks the query string against `schema` (all values are strings). @throws ValidationError */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return check(schema, c.req.query(), "query string");
}

/** Validates `value`, turning zod issues into a ValidationError whose issues name each field. */
export function check<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(what, result.error.issues.flatMap(toIssues));
}

function toIssues(issue: z.core.$ZodIssue): ValidationIssue[] {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: joinPath(path, key), message: "unknown field" }));
  }
  return [{ path, message: issue.message }];
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : joinPath(out, String(key))),
    "",
  );
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
