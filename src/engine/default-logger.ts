/**
 * The logger a client uses when none is given: warnings and errors, one entry per call, to stderr; debug and
 * info dropped. An expected operational failure (a retryable StoreError: the database is away or busy) is
 * printed as one line, not with its stack: an outage of a minute must not fill the log with hundreds of
 * lines of stack traces. Unexpected errors keep their stack. A custom logger (`new Fairway({ logger })`)
 * still receives the Error objects.
 *
 * @module
 */
import { inspect } from "node:util";
import { codedText } from "../errors/cause-text.js";
import { isRetryableStoreError } from "../errors/store-error.js";
import type { Logger } from "./types.js";

/**
 * A Logger that writes `[fairway] message {fields}` with `write` (default `console.error`) for warn and
 * error, and drops debug and info. Fields are shown on the same line (Node's `inspect`, no line width);
 * a field whose value is a retryable StoreError (`isRetryableStoreError`) is shown as
 * `Name (code): message` (`codedText`), any other Error as `inspect` shows it (with
 * its stack and cause).
 */
export function defaultLogger(write: (line: string) => void = (line) => console.error(line)): Logger {
  const print = (message: string, fields?: Record<string, unknown>) =>
    write(fields === undefined ? `[fairway] ${message}` : `[fairway] ${message} ${showFields(fields)}`);
  return { debug: () => {}, info: () => {}, warn: print, error: print };
}

function showFields(fields: Record<string, unknown>): string {
  const shown = Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [
      name,
      isRetryableStoreError(value) ? codedText(value) : value,
    ]),
  );
  return inspect(shown, { breakLength: Number.POSITIVE_INFINITY });
}
