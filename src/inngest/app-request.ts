/**
 * One call from Fairway to an Inngest SDK app: `POST <serve URL>?fnId=<fn>&stepId=<step>` with the
 * run's event(s), the memoized steps and the context, signed when a signing key is set, and the reply
 * read as the SDK spec says (Inngest `docs/SDK_SPEC.md`, "Call request", "Responses"):
 * - `200`: the function returned (the JSON body is its output);
 * - `206`: step operations (one op or a list);
 * - other statuses: the function threw outside a step. `X-Inngest-No-Retry: true` (or, without that
 *   header, a 4xx) is final → `NonRetriableError`; `Retry-After` (seconds or an HTTP date) →
 *   `RetryAfterError`; else a plain retriable `Error` named as the SDK named it.
 * Network failures and timeouts are retriable errors naming the URL.
 *
 * @module
 */
import canonicalizeModule from "canonicalize";
import { NonRetriableError } from "../errors/non-retriable-error.js";
import { RetryAfterError } from "../errors/retry-after-error.js";
import { isJsonObject, parseJson } from "../models/shared/json.js";
import { signatureHeader } from "./signing.js";
import { type MemoizedStep, type StepOp, stepOpsSchema } from "./wire.js";

/** RFC 8785 canonical JSON (a CommonJS default export, typed as a namespace under NodeNext). */
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** How Fairway reaches apps. */
export interface AppTransport {
  /** @default globalThis.fetch */
  fetch: typeof globalThis.fetch;
  /** Signs each call (`X-Inngest-Signature`) when set; dev mode sends unsigned calls. */
  signingKey?: string;
  /** Limit for one call, in ms. */
  timeoutMs: number;
  /** ms since the epoch: signature timestamps and `Retry-After` dates. */
  now: () => number;
}

/** The body of a call (`version: 2`, steps keyed by hashed step id). */
export interface CallBody {
  event: Record<string, unknown>;
  events: Record<string, unknown>[];
  steps: Record<string, MemoizedStep>;
  ctx: {
    run_id: string;
    attempt: number;
    max_attempts: number;
    disable_immediate_execution: boolean;
    use_api: boolean;
    stack: { stack: string[]; current: number };
  };
  version: 2;
}

/** What a call answered: the function's output, or step ops with the reply's retry headers. */
export type AppReply =
  | { type: "complete"; data: unknown }
  | { type: "ops"; ops: StepOp[]; noRetry: boolean; retryAfter?: string };

/** The error an app reported, as `{ name, message, stack }`. */
export interface AppError {
  name: string;
  message: string;
  stack?: string;
}

/**
 * Calls `url` (a function's call URL) for `stepId` (`"step"` to discover, or a hashed step id to run it).
 * @throws NonRetriableError / RetryAfterError / Error as described in the module doc.
 */
export async function callApp(
  transport: AppTransport,
  url: string,
  stepId: string,
  body: CallBody,
): Promise<AppReply> {
  const target = new URL(url);
  target.searchParams.set("stepId", stepId);
  // The SDK verifies the signature over the canonical JSON (RFC 8785) of the body it parsed: send that.
  const text = canonicalize(body) ?? "{}";
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-inngest-server-kind": transport.signingKey ? "cloud" : "dev",
  };
  if (transport.signingKey)
    headers["x-inngest-signature"] = signatureHeader(text, transport.signingKey, transport.now());
  let response: Response;
  let replyText: string;
  try {
    response = await transport.fetch(target, {
      method: "POST",
      headers,
      body: text,
      signal: AbortSignal.timeout(transport.timeoutMs),
    });
    replyText = await response.text();
  } catch (error) {
    const why =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    throw new Error(`cannot call the app at ${target.origin}${target.pathname}: ${why}`, { cause: error });
  }
  const parsed = replyText === "" ? { ok: true as const, value: null } : parseJson(replyText);
  const noRetryHeader = response.headers.get("x-inngest-no-retry");
  const retryAfter = response.headers.get("retry-after") ?? undefined;
  if (response.status === 200) {
    if (!parsed.ok) throw new Error(`the app answered 200 with a body that is not JSON (${parsed.error})`);
    return { type: "complete", data: parsed.value };
  }
  if (response.status === 206) {
    const ops = parsed.ok ? stepOpsSchema.safeParse(parsed.value) : undefined;
    if (!ops?.success)
      throw new Error(`the app answered 206 without valid step operations: ${replyText.slice(0, 200)}`);
    const reply: AppReply = { type: "ops", ops: ops.data, noRetry: noRetryHeader === "true" };
    if (retryAfter !== undefined) reply.retryAfter = retryAfter;
    return reply;
  }
  const reported = appError(parsed.ok ? parsed.value : replyText, response.status);
  const final =
    noRetryHeader === null ? response.status >= 400 && response.status < 500 : noRetryHeader === "true";
  throw failureOf(reported, final, retryAfter, transport.now);
}

/**
 * The error to throw for a failure the app reported: `NonRetriableError` when final, `RetryAfterError`
 * when the app asked for a delay, else an `Error` with the app's name and message.
 */
export function failureOf(
  reported: AppError,
  final: boolean,
  retryAfter: string | undefined,
  now: () => number,
): Error {
  const original = Object.assign(new Error(reported.message), { name: reported.name });
  if (reported.stack !== undefined) original.stack = reported.stack;
  if (final) return new NonRetriableError(reported.message, { cause: original });
  const delay = retryAfterMs(retryAfter, now);
  if (delay !== undefined) return new RetryAfterError(reported.message, delay, { cause: original });
  return original;
}

/** `{ name, message, stack }` from an app's error body (any shape), for messages and `StepError`s. */
export function appError(value: unknown, status?: number): AppError {
  if (isJsonObject(value)) {
    const message =
      typeof value.message === "string"
        ? value.message
        : typeof value.error === "string"
          ? value.error
          : JSON.stringify(value);
    const error: AppError = { name: typeof value.name === "string" ? value.name : "Error", message };
    if (typeof value.stack === "string") error.stack = value.stack;
    return error;
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return { name: "Error", message: status ? `the app answered HTTP ${status}: ${text.slice(0, 500)}` : text };
}

/** `Retry-After` as ms: an integer of seconds (≤ 7 digits, as Inngest reads it) or an HTTP/ISO date. */
function retryAfterMs(value: string | undefined, now: () => number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d{1,7}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}
