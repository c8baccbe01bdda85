import type { z } from "zod";
import { InvalidResponseError } from "../../errors/invalid-response-error.js";
import type { CallSettings } from "./http.js";

/**
 * Parses a provider reply (a body or one stream event) with a minimal schema; a mismatch is an
 * `InvalidResponseError` naming the first bad field, never a `TypeError` later (pitfall R14).
 */
export function parseReply<T>(settings: CallSettings, schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  throw new InvalidResponseError(
    settings.provider,
    settings.model,
    `${what} does not match the wire format${where}: ${issue?.message ?? "unknown problem"}`,
    JSON.stringify(value)?.slice(0, 2000),
  );
}

/** Memoizes a schema factory, so reply schemas are built on first use only. */
export function lazySchema<T>(build: () => T): () => T {
  let schema: T | undefined;
  return () => {
    schema ??= build();
    return schema;
  };
}
