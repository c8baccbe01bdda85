const marker = Symbol.for("fairway.error");

/**
 * Base class of every error Fairway throws on purpose.
 *
 * - `code` is a stable string (e.g. `"config_invalid"`) that callers, the store and the server's
 *   HTTP status table switch on; messages may change, codes do not.
 * - `isInstance` works across duplicated copies of the package (it checks a `Symbol.for` marker,
 *   not the prototype chain).
 * - `toJSON()` gives the serialized shape stored with failed steps and runs:
 *   `{ name, code, message, stack?, cause? }`.
 */
export class FairwayError extends Error {
  readonly [marker] = true;
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }

  /** True for any FairwayError, including ones from another copy of the package. */
  static isInstance(value: unknown): value is FairwayError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

/** The stored form of an error: what a failed step or run keeps, and what `StepError` is rebuilt from. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: SerializedError;
  /** Structured fields of the error class (e.g. `path` of a ConfigError), when JSON-safe. */
  data?: Record<string, unknown>;
}

/**
 * Turns any thrown value into a `SerializedError`. Non-Error values become
 * `{ name: "Error", message: String(value) }`. Causes are followed up to 5 levels deep; a cause already in
 * stored form (`{ name, message, ... }`, as `StepError` carries) is kept as it is.
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    let message: string;
    try {
      message = typeof error === "string" ? error : (JSON.stringify(error) ?? String(error));
    } catch {
      message = String(error);
    }
    return { name: "Error", message };
  }
  const out: SerializedError = { name: error.name, message: error.message };
  if (FairwayError.isInstance(error)) out.code = error.code;
  if (error.stack) out.stack = error.stack;
  if (error.cause !== undefined && depth < 5) {
    out.cause = isSerializedError(error.cause) ? error.cause : serializeError(error.cause, depth + 1);
  }
  return out;
}

/**
 * True for an error already in stored form (the `cause` of a `StepError` or `RunFailedError`), which is
 * kept as it is instead of being turned into a message of JSON.
 */
function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== "object" || value === null || value instanceof Error) return false;
  const fields = value as Record<string, unknown>;
  return typeof fields.name === "string" && typeof fields.message === "string";
}
