import type { Context } from "hono";
import { parse as secureParse } from "secure-json-parse";
import type { z } from "zod";
import { ValidationError } from "../errors/validation-error.js";
import { zodIssues } from "../errors/zod-issues.js";

/**
 * Reads a JSON request body and checks it against `schema`.
 * `__proto__` and `constructor.prototype` keys are rejected while parsing (secure-json-parse).
 *
 * @throws ValidationError naming the body (`what`) with one issue per problem: malformed JSON, nesting
 *   deeper than {@link MAX_JSON_DEPTH}, unknown fields, wrong types.
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
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new ValidationError(what, [{ path: "", message: `nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  return check(schema, value, what);
}

/**
 * Deepest nesting of objects and arrays a JSON body may have (the body itself is level 1). Deeper
 * values would overflow the stack of the recursive code that stores and serializes events.
 */
export const MAX_JSON_DEPTH = 128;

/** True when `value` nests objects/arrays more than `max` levels deep. Iterative: no stack to overflow. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, depth] = next;
    if (typeof item !== "object" || item === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Checks the query string against `schema` (all values are strings). @throws ValidationError */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return check(schema, c.req.query(), "query string");
}

/** Validates `value`, turning zod issues into a ValidationError whose issues name each field. */
export function check<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(what, zodIssues(result.error.issues));
}
