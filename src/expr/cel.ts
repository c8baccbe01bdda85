/**
 * CEL expressions (trigger `if`, waitForEvent `if`/`match`, and flow-control keys), compiled once per
 * source text and cached. Wraps `@marcbachmann/cel-js`.
 *
 * @module
 */
import { parse } from "@marcbachmann/cel-js";
import { ConfigError } from "../errors/index.js";

/** A compiled expression: evaluate it against variables such as `{ event, async }`. */
export interface CompiledExpression {
  readonly source: string;
  evaluate(variables: Record<string, unknown>): unknown;
}

const cache = new Map<string, CompiledExpression>();
const MAX_CACHED = 10_000;

/**
 * Compiles `source` (cached by text). Throws ConfigError at `path` (e.g. `"triggers[0].if"`) when it does
 * not parse.
 */
export function compileExpression(source: string, path: string): CompiledExpression {
  const cached = cache.get(source);
  if (cached) return cached;
  if (typeof source !== "string" || source.trim() === "") {
    throw new ConfigError(path, "must be a non-empty CEL expression", source);
  }
  let program: ReturnType<typeof parse>;
  try {
    program = parse(source);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new ConfigError(path, `is not valid CEL: ${reason}`, source);
  }
  const compiled: CompiledExpression = { source, evaluate: (variables) => program(variables) };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

/**
 * True only when the expression evaluates to boolean `true`. A missing field or a type error counts as
 * no match (never a crash), the usual rule for filters.
 */
export function matches(expression: CompiledExpression, variables: Record<string, unknown>): boolean {
  try {
    return expression.evaluate(variables) === true;
  } catch {
    return false;
  }
}

/** The `match: "data.x"` shorthand: `event.data.x == async.data.x`. Throws ConfigError at `path` if empty. */
export function matchToExpression(field: string, path: string): string {
  if (typeof field !== "string" || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(field)) {
    throw new ConfigError(path, 'must be a dotted field path such as "data.userId"', field);
  }
  return `event.${field} == async.${field}`;
}
