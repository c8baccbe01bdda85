import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { FairwayError, serializeError } from "../errors/fairway-error.js";
import { ValidationError } from "../errors/validation-error.js";

/**
 * The one table from a FairwayError `code` to an HTTP status. Codes not listed are server faults (500).
 * Kept beside the error classes' codes: `src/errors/*`. `store_failed` (the store could not be reached or
 * was busy), `store_connection_refused` (its database or role does not exist) and `client_closed` (the server is shutting down) are 503 so clients retry.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<string, ContentfulStatusCode>> = {
  validation_failed: 400,
  config_invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  limit_exceeded: 413,
  store_failed: 503,
  store_connection_refused: 503,
  client_closed: 503,
};

/** The JSON error body every endpoint returns: `{ error: { code, message, issues? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

/** HTTP status for any thrown value: the table for FairwayErrors, else 500. */
export function statusOf(error: unknown): ContentfulStatusCode {
  if (FairwayError.isInstance(error)) return HTTP_STATUS_BY_CODE[error.code] ?? 500;
  return 500;
}

/**
 * The error body for any thrown value. Server faults (500) carry a generic message so internals
 * (paths, SQL) never reach a caller; the full error is logged by the caller of this function.
 */
export function errorBody(error: unknown): ErrorBody {
  const status = statusOf(error);
  if (status === 500 || !FairwayError.isInstance(error)) {
    return { error: { code: "internal", message: "Internal server error; see the server log." } };
  }
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error instanceof ValidationError) body.error.issues = error.issues;
  return body;
}

/** Sends `error` as JSON with its status. Logs server faults and store failures (5xx) with `log`. */
export function sendError(c: Context, error: unknown, log: (message: string) => void): Response {
  const status = statusOf(error);
  logFailure(error, status, log);
  return c.json(errorBody(error), status);
}

/** Logs `error` with `log` when its `status` is a server-side failure (5xx: a fault or a store failure). */
export function logFailure(error: unknown, status: number, log: (message: string) => void): void {
  if (status >= 500) log(`fairway server: ${JSON.stringify(serializeError(error))}`);
}
