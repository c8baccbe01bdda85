/**
 * What an event name may be, in one place: sent events (`fairway.send`, the HTTP API), trigger events,
 * `waitForEvent` and `cancelOn` events all use this rule and its message.
 *
 * @module
 */

/** Longest event name, UTF-16 code units. */
const MAX_EVENT_NAME = 255;

/**
 * C0 and C1 control characters (NUL, newline, escape…), and the bidirectional-text controls (embeddings,
 * overrides, isolates, marks) that make a name display as another one.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this rule's job.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** A UTF-16 surrogate without its pair: not text (JSON and UTF-8 cannot carry it faithfully). */
export const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The one message for a bad event name. */
export const EVENT_NAME_RULE = `must be an event name: a string of 1-${MAX_EVENT_NAME} characters without control or bidirectional-control characters or unpaired surrogates`;

/** True when `name` is a valid event name (see {@link EVENT_NAME_RULE}). */
export function isEventName(name: unknown): name is string {
  return (
    typeof name === "string" &&
    name.length > 0 &&
    name.length <= MAX_EVENT_NAME &&
    !FORBIDDEN.test(name) &&
    !UNPAIRED_SURROGATE.test(name)
  );
}
