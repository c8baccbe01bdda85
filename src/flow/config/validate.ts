/**
 * Small checks shared by the flow-config normalisers. Every failure is a `ConfigError` whose `path`
 * names the field (`"throttle.period"`, `"concurrency[1].key"`).
 *
 * @module
 */
import ms from "ms";
import { ConfigError } from "../../errors/index.js";
import type { CompileExpression } from "../expression.js";

/** A duration as accepted in config: ms as a number, or an `ms`-style string (`"30s"`, `"1h"`, `"7d"`). */
export type DurationInput = number | string;

export const SECOND_MS = 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The field names of an options type `T`, for {@link fieldsOf}: `knownFields<T>({ a: true, b: true })`. The
 * compiler keeps the list equal to `T`'s keys (a missing one or an extra one does not compile).
 */
export function knownFields<T>(fields: Record<keyof T, true>): string[] {
  return Object.keys(fields);
}

/**
 * Asserts a plain object whose keys are all in `allowed`; unknown keys are an error, never ignored.
 * `path` is the object's own path, `""` for a top-level options object (its fields are then named bare).
 *
 * @throws ConfigError naming `path` when `value` is not an object, or `path.field` for an unknown field
 *   (the message lists the known ones).
 */
export function fieldsOf(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(path || "options", "must be an object", value);
  }
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) {
      throw new ConfigError(
        path === "" ? name : `${path}.${name}`,
        `is not a known field (known: ${allowed.join(", ")})`,
      );
    }
  }
  return value as Record<string, unknown>;
}

/** An integer in `[min, max]`. */
export function integerIn(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(path, `must be an integer from ${min} to ${max}`, value);
  }
  return value;
}

/** A duration in `[minMs, maxMs]`, returned in ms. `describeRange` is used in the message, e.g. "1s and 7d". */
export function durationIn(value: unknown, path: string, minMs: number, maxMs: number): number {
  const range = `${ms(minMs)} and ${ms(maxMs)}`;
  const parsed = parseDuration(value);
  if (parsed === undefined) {
    throw new ConfigError(
      path,
      `must be a duration (ms number or a string like "30s") between ${range}`,
      value,
    );
  }
  if (parsed < minMs || parsed > maxMs) throw new ConfigError(path, `must be between ${range}`, value);
  return parsed;
}

function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const parsed = ms(value as ms.StringValue) as number | undefined;
  return typeof parsed === "number" && Number.isFinite(parsed) ? parsed : undefined;
}

/** One of the listed string values. */
export function oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  if (typeof value !== "string" || !options.includes(value as T)) {
    throw new ConfigError(path, `must be one of ${options.map((o) => `"${o}"`).join(", ")}`, value);
  }
  return value as T;
}

/**
 * A non-empty CEL source that compiles and uses only `variables` (flow keys and conditions see the
 * run's `event`; cancelOn's `if` also the candidate event, `async`); returns the source (trimmed).
 */
export function expressionAt(
  value: unknown,
  path: string,
  compile: CompileExpression,
  variables: readonly string[] = ["event"],
): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigError(path, 'must be a non-empty CEL expression such as "event.data.user_id"', value);
  }
  const source = value.trim();
  try {
    compile(source, variables);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(path, error.rule, source);
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(path, `is not a valid CEL expression: ${reason}`, source);
  }
  return source;
}

/** `expressionAt` for an optional field: `undefined` stays `undefined`. */
export function optionalExpression(
  value: unknown,
  path: string,
  compile: CompileExpression,
): string | undefined {
  return value === undefined ? undefined : expressionAt(value, path, compile);
}
