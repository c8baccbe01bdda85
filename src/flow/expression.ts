/**
 * How flow control reaches CEL without owning a CEL engine: the caller injects a compiler (the
 * engine passes its cached one from `src/expr`). Flow configs keep expression sources (JSON-safe);
 * evaluation goes through the injected compiler each time, which is cheap because it caches.
 *
 * @module
 */

/** A compiled expression: evaluates with the given variables (`event`, and `async` for matches). */
export type CompiledExpression = (variables: Record<string, unknown>) => unknown;

/**
 * Compiles a CEL source. Must throw (any error) when the source is not a valid expression, or, given
 * `variables` (the names it may use), when it uses another one.
 */
export type CompileExpression = (source: string, variables?: readonly string[]) => CompiledExpression;
