/**
 * One line naming why something failed, for a log line, a health reply or a store error's message: the
 * error's message, and its `code` when the message does not already say it.
 *
 * @module
 */

import { FairwayError } from "./fairway-error.js";

/**
 * `error` as one line: the message of an Error (its name when the message is empty, as Node's
 * `AggregateError` of a refused dual-stack connect has), line breaks folded into spaces, followed by
 * ` (code)` for a driver's or the system's string `code` (`ECONNREFUSED`, `57P01`) that the message does not
 * name already (a FairwayError's message says it all: its `code` is left out); any other value as
 * `String(value)`. Shows nothing the message does not (no stack, no cause): store errors name their database
 * without its password.
 */
export function causeText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = (error.message || error.name).replace(/\s*\n\s*/g, " ");
  const code = (error as { code?: unknown }).code;
  const named =
    typeof code !== "string" || code === "" || FairwayError.isInstance(error) || message.includes(code);
  return named ? message : `${message} (${code})`;
}

/**
 * A FairwayError as one line with its class and code, `StoreError (store_failed): <causeText>`, for a log
 * line that stands for the whole error (no stack, no cause).
 */
export function codedText(error: FairwayError): string {
  return `${error.name} (${error.code}): ${causeText(error)}`;
}
