import { ConfigError } from "../../errors/index.js";
import type { CompileExpression } from "../expression.js";
import { EVENT_NAME_RULE, isEventName } from "./event-name.js";
import type { CancelOnConfig } from "./types.js";
import { DAY_MS, durationIn, expressionAt, fieldsOf, SECOND_MS } from "./validate.js";

/** At most this many `cancelOn` entries per function (Inngest's rule). */
export const MAX_CANCEL_ON = 5;
/** Default and largest `cancelOn[i].timeout`, and largest `timeouts.*`. */
export const MAX_CANCEL_TIMEOUT_MS = 366 * DAY_MS;

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Normalises `cancelOn`: a list of at most 5 `{ event, if? | match?, timeout? }`. `match: "data.x"` is
 * expanded to the CEL `event.data.x == async.data.x`. Without `if`/`match`, any such event cancels
 * every run of the function scheduled before it (documented rule).
 *
 * @throws ConfigError naming the field, e.g. `cancelOn[2].match`.
 */
export function normalizeCancelOn(value: unknown, compile: CompileExpression): CancelOnConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError("cancelOn", "must be a list", value);
  if (value.length > MAX_CANCEL_ON) {
    throw new ConfigError("cancelOn", `must list at most ${MAX_CANCEL_ON} entries`, value.length);
  }
  return value.map((entry, index) => normalizeEntry(entry, `cancelOn[${index}]`, compile));
}

function normalizeEntry(value: unknown, path: string, compile: CompileExpression): CancelOnConfig {
  const fields = fieldsOf(value, path, ["event", "if", "match", "timeout"]);
  if (!isEventName(fields.event)) {
    throw new ConfigError(`${path}.event`, EVENT_NAME_RULE, fields.event);
  }
  if (fields.if !== undefined && fields.match !== undefined) {
    throw new ConfigError(`${path}.match`, "cannot be combined with `if`; use one of them");
  }
  const timeoutMs =
    fields.timeout === undefined
      ? MAX_CANCEL_TIMEOUT_MS
      : durationIn(fields.timeout, `${path}.timeout`, SECOND_MS, MAX_CANCEL_TIMEOUT_MS);
  const config: CancelOnConfig = { event: fields.event, timeoutMs };
  if (fields.match !== undefined) {
    if (typeof fields.match !== "string" || !FIELD_PATH.test(fields.match)) {
      throw new ConfigError(`${path}.match`, 'must be a field path such as "data.user_id"', fields.match);
    }
    config.if = expressionAt(`event.${fields.match} == async.${fields.match}`, `${path}.match`, compile, [
      "event",
      "async",
    ]);
  } else if (fields.if !== undefined) {
    config.if = expressionAt(fields.if, `${path}.if`, compile, ["event", "async"]);
  }
  return config;
}

/**
 * Normalises `timeouts { start?, finish? }` to ms (each 1s–366d).
 *
 * @throws ConfigError naming the field.
 */
export function normalizeTimeouts(value: unknown): { startMs?: number; finishMs?: number } {
  if (value === undefined) return {};
  const fields = fieldsOf(value, "timeouts", ["start", "finish"]);
  const out: { startMs?: number; finishMs?: number } = {};
  if (fields.start !== undefined) {
    out.startMs = durationIn(fields.start, "timeouts.start", SECOND_MS, MAX_CANCEL_TIMEOUT_MS);
  }
  if (fields.finish !== undefined) {
    out.finishMs = durationIn(fields.finish, "timeouts.finish", SECOND_MS, MAX_CANCEL_TIMEOUT_MS);
  }
  return out;
}
