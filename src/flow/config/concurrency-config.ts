import { ConfigError } from "../../errors/index.js";
import type { CompileExpression } from "../expression.js";
import type { ConcurrencyLimit, ConcurrencyScope } from "./types.js";
import { fieldsOf, integerIn, oneOf, optionalExpression } from "./validate.js";

/** Largest accepted concurrency limit (per limit, per key). */
export const MAX_CONCURRENCY_LIMIT = 1_000_000;
/** At most this many concurrency limits per function (Inngest's rule). */
export const MAX_CONCURRENCY_LIMITS = 2;

const SCOPES: readonly ConcurrencyScope[] = ["fn", "env", "account"];

/**
 * Normalises `concurrency`: a number (fn-scoped limit), `{ limit, key?, scope? }`, or a list of at most
 * two. `env`/`account` scope need a `key`. Two limits with the same scope and key are rejected.
 *
 * @throws ConfigError naming the path, e.g. `concurrency[1].key`.
 */
export function normalizeConcurrency(value: unknown, compile: CompileExpression): ConcurrencyLimit[] {
  if (value === undefined) return [];
  if (typeof value === "number") {
    return [{ limit: integerIn(value, "concurrency", 1, MAX_CONCURRENCY_LIMIT), scope: "fn" }];
  }
  if (!Array.isArray(value)) return [normalizeLimit(value, "concurrency", compile)];
  if (value.length === 0 || value.length > MAX_CONCURRENCY_LIMITS) {
    throw new ConfigError("concurrency", `must list 1 to ${MAX_CONCURRENCY_LIMITS} limits`, value.length);
  }
  const limits = value.map((entry, index) => normalizeLimit(entry, `concurrency[${index}]`, compile));
  const [first, second] = limits;
  if (first && second && first.scope === second.scope && first.key === second.key) {
    throw new ConfigError(
      "concurrency[1]",
      "repeats the scope and key of concurrency[0]; merge them into one",
    );
  }
  return limits;
}

function normalizeLimit(value: unknown, path: string, compile: CompileExpression): ConcurrencyLimit {
  const fields = fieldsOf(value, path, ["limit", "key", "scope"]);
  const limit = integerIn(fields.limit, `${path}.limit`, 1, MAX_CONCURRENCY_LIMIT);
  const scope = fields.scope === undefined ? "fn" : oneOf(fields.scope, `${path}.scope`, SCOPES);
  const key = optionalExpression(fields.key, `${path}.key`, compile);
  if (scope !== "fn" && key === undefined) {
    throw new ConfigError(`${path}.key`, `is required when scope is "${scope}" (the key is what is shared)`);
  }
  return key === undefined ? { limit, scope } : { limit, scope, key };
}
