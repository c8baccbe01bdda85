/**
 * CEL expressions (trigger `if`, waitForEvent `if`/`match`, and flow-control keys), compiled once per
 * source text and cached. Wraps `@marcbachmann/cel-js`.
 *
 * @module
 */
import { Environment, parse } from "@marcbachmann/cel-js";
import { ConfigError } from "../errors/index.js";

/** A compiled expression: evaluate it against variables such as `{ event, async }`. */
export interface CompiledExpression {
  readonly source: string;
  evaluate(variables: Record<string, unknown>): unknown;
}

const cache = new Map<string, CompiledExpression>();
const MAX_CACHED = 10_000;

/** Type-check environments by variable list, and the sources that passed each (bounded like `cache`). */
const environments = new Map<string, Environment>();
const checked = new Set<string>();

/**
 * Compiles `source` (cached by text). Throws ConfigError at `path` (e.g. `"triggers[0].if"`) when it does
 * not parse, or, when `variables` are given (the names the expression may use, e.g. `["event"]` for a
 * trigger `if`, `["event", "async"]` for a wait's), when it uses another variable (`foo.bar == 1` could
 * never match) or does not type-check (`1 + "a"`). Variables are typed `dyn`: their fields are known only
 * at evaluation.
 */
export function compileExpression(
  source: string,
  path: string,
  variables?: readonly string[],
): CompiledExpression {
  const cached = cache.get(source);
  if (cached) {
    if (variables) checkVariables(source, path, variables);
    return cached;
  }
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
  if (variables) checkVariables(source, path, variables);
  const compiled: CompiledExpression = { source, evaluate: (context) => program(context) };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

function checkVariables(source: string, path: string, variables: readonly string[]): void {
  const names = variables.join(", ");
  const key = `${names}\n${source}`;
  if (checked.has(key)) return;
  let environment = environments.get(names);
  if (!environment) {
    environment = new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false });
    for (const name of variables) environment.registerVariable(name, "dyn");
    environments.set(names, environment);
  }
  const result = environment.check(source);
  if (!result.valid) {
    const reason = result.error?.message.split("\n")[0] ?? "invalid";
    throw new ConfigError(path, `cannot be evaluated: ${reason} (it may use ${names})`, source);
  }
  if (checked.size >= MAX_CACHED) checked.clear();
  checked.add(key);
}

/**
 * `expression` whose first evaluation error is passed to `report` (then, like every error, thrown to the
 * caller as before): a condition that fails on the events it sees is logged once, not once per event.
 */
export function reportFirstFailure(
  expression: CompiledExpression,
  report: (error: unknown) => void,
): CompiledExpression {
  let reported = false;
  return {
    source: expression.source,
    evaluate(context) {
      try {
        return expression.evaluate(context);
      } catch (error) {
        if (!reported) {
          reported = true;
          report(error);
        }
        throw error;
      }
    },
  };
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
