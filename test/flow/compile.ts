import { parse } from "@marcbachmann/cel-js";
import type { CompileExpression } from "../../src/flow/expression.js";

const cache = new Map<string, ReturnType<typeof parse>>();

/** CEL compiler for flow unit tests (the engine injects its own cached one from src/expr). */
export const compile: CompileExpression = (source) => {
  let compiled = cache.get(source);
  if (compiled === undefined) {
    compiled = parse(source);
    cache.set(source, compiled);
  }
  const evaluate = compiled;
  return (variables) => evaluate(variables);
};
