import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { codedText } from "../errors/cause-text.js";
import { FairwayError, serializeError } from "../errors/fairway-error.js";
import { isStoreError, type StoreError } from "../errors/store-error.js";
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

/**
 * The JSON error body every endpoint returns: `{ error: { code, message, issues?, retryable? } }`.
 * `issues` for a ValidationError; `retryable` for a store failure (whether the same request may succeed
 * later).
 */
export interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[]; retryable?: boolean };
}

/** Who reads an error body: the admin gets store failures' messages, anyone else a generic one. */
export type Audience = "admin" | "public";

/** HTTP status for any thrown value: the table for FairwayErrors, else 500. */
export function statusOf(error: unknown): ContentfulStatusCode {
  if (FairwayError.isInstance(error)) return HTTP_STATUS_BY_CODE[error.code] ?? 500;
  return 500;
}

/**
 * The error body for any thrown value, for `audience`. Server faults (500) carry a generic message so
 * internals (paths, SQL) never reach a caller. A store failure (StoreError) keeps its `code` and says
 * whether it is `retryable`; its message (a driver's, which may name internal hosts, ports and databases)
 * only for the admin (an open server, or the signing key): anyone else reads "The store is unavailable;
 * retry later." (or "…; see the server log." when retrying does not help). The full error is logged by
 * the caller of this function ({@link logFailure}).
 */
export function errorBody(error: unknown, audience: Audience): ErrorBody {
  const status = statusOf(error);
  if (status === 500 || !FairwayError.isInstance(error)) {
    return { error: { code: "internal", message: "Internal server error; see the server log." } };
  }
  if (isStoreError(error)) return storeErrorBody(error, audience);
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error instanceof ValidationError) body.error.issues = error.issues;
  return body;
}

function storeErrorBody(error: StoreError, audience: Audience): ErrorBody {
  const generic = error.retryable
    ? "The store is unavailable; retry later."
    : "The store is unavailable; see the server log.";
  const message = audience === "admin" ? error.message : generic;
  return { error: { code: error.code, message, retryable: error.retryable } };
}

/**
 * Logs `error` with `log` when its `status` is a server-side failure (5xx: a fault or a store failure), as
 * one line `fairway server: METHOD /path: <what failed>`: a store failure answered 503 (StoreError: an
 * operational failure, not a fault) as `Name (code): message`, anything else as its serialized form with
 * stack and cause.
 */
export function logFailure(c: Context, error: unknown, status: number, log: (message: string) => void): void {
  if (status < 500) return;
  const what =
    status === 503 && isStoreError(error) ? codedText(error) : JSON.stringify(serializeError(error));
  log(`fairway server: ${c.req.method} ${c.req.path}: ${what}`);
}

/**
 * An error in the Inngest SDK's flat shape, `{ status, error, code, retryable? }`, as `/e/:eventKey` and
 * `/fn/register` answer: the fields of `body` (already for the caller's audience).
 */
export function inngestErrorFields(status: number, body: ErrorBody) {
  const { code, message, retryable } = body.error;
  return { status, error: message, code, ...(retryable !== undefined && { retryable }) };
}

/** How a server answers failed requests; made once per server by {@link errorReplies}. */
export interface ErrorReplies {
  /** The status and body for `error` thrown while serving `c` (for the caller's audience), logged once. */
  reply(c: Context, error: unknown): { status: ContentfulStatusCode; body: ErrorBody };
  /** Sends {@link ErrorReplies.reply} as JSON. */
  send(c: Context, error: unknown): Response;
  /** Logs `error` that ended a response already under way (a stream), as {@link logFailure} does a 5xx. */
  log(c: Context, error: unknown): void;
}

/**
 * Error replies that tell the admin from other callers with `isAdmin` (an open server, or the signing key
 * in `Authorization`), and log server-side failures with `log`.
 */
export function errorReplies(isAdmin: (c: Context) => boolean, log: (message: string) => void): ErrorReplies {
  const reply = (c: Context, error: unknown) => {
    const status = statusOf(error);
    logFailure(c, error, status, log);
    const body = errorBody(error, isAdmin(c) ? "admin" : "public");
    // The body depends on the credential: no cache may give the admin's reply to another caller.
    if (body.error.retryable !== undefined) c.header("Vary", "Authorization");
    return { status, body };
  };
  return {
    reply,
    send(c, error) {
      const { status, body } = reply(c, error);
      return c.json(body, status);
    },
    // Logged whatever its status: the stream it ended was answered 200.
    log: (c, error) => logFailure(c, error, Math.max(500, statusOf(error)), log),
  };
}
