/**
 * The CEL compiler flow control uses inside the engine: `src/expr`'s cached compiler behind the
 * {@link CompileExpression} shape (validation errors are re-labelled with the flow field's path by
 * the config normalisers).
 *
 * @module
 */
import { compileExpression } from "../expr/cel.js";
import type { CompileExpression } from "./expression.js";

export const compileCel: CompileExpression = (source, variables) => {
  const compiled = compileExpression(source, "expression", variables);
  return (variables) => compiled.evaluate(variables);
};
