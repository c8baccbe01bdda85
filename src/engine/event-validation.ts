/**
 * Validation of sent events: shape, name, data, and size limits. Runs before anything is stored, so a bad
 * send stores nothing.
 *
 * @module
 */
import { LimitError, ValidationError, type ValidationIssue } from "../errors/index.js";
import { EVENT_NAME_RULE, isEventName, UNPAIRED_SURROGATE } from "../flow/config/event-name.js";
import { MAX_DURATION_MS } from "./durations.js";
import type { EventPayload } from "./step-types.js";

/** Largest event, as UTF-8 JSON bytes: 512 KB (Inngest's default). */
export const MAX_EVENT_BYTES = 512 * 1024;
/** Most events in one send. */
export const MAX_EVENTS_PER_SEND = 5000;
/** Prefix of events only the engine sends (`fairway/function.failed`, ...). */
export const INTERNAL_PREFIX = "fairway/";

const FIELDS = new Set(["name", "data", "id", "ts", "v"]);

/** Longest event `id` and `v`, characters. */
const MAX_ID = 255;
const MAX_VERSION = 128;

/**
 * Checks `input` (one event or an array) and returns the list as JSON would carry it (a Date becomes its ISO
 * string, `undefined` fields are dropped; the sender's objects are not changed), so every store hands
 * handlers the same data. The rules, the same for `fairway.send` and the HTTP API (which has no copy of
 * them): fields `name` (`EVENT_NAME_RULE`), `data` (an object of JSON, well-formed text), `id` (1-255
 * characters), `ts` (integer ms since the epoch, at most 365 days after `now`: a later run would never
 * start, like a sleep), `v` (at most 128 characters). Throws ValidationError listing every issue (paths
 * like `"[2].data"`), or LimitError for too many or too large events. `internal` (engine-sent events)
 * allows the reserved `fairway/` prefix and has no size limit: such events carry data that was already
 * accepted (the failure event holds the failed run's events and its error).
 */
export function validateEvents(
  input: EventPayload | EventPayload[],
  internal: boolean,
  now: number,
): EventPayload[] {
  const list = sendList(input);
  const issues: ValidationIssue[] = [];
  checkEvents(list, 0, list.length, !Array.isArray(input), internal, now, issues);
  if (issues.length > 0) throw new ValidationError(Array.isArray(input) ? "events" : "event", issues);
  return eventsAsJson(list, 0, list.length, internal);
}

/**
 * The events of a send as a list. Throws ValidationError for an empty send, LimitError for more than
 * MAX_EVENTS_PER_SEND.
 */
export function sendList(input: EventPayload | EventPayload[]): EventPayload[] {
  const list = Array.isArray(input) ? input : [input];
  if (list.length === 0)
    throw new ValidationError("send", [{ path: "", message: "needs at least one event" }]);
  if (list.length > MAX_EVENTS_PER_SEND) {
    throw new LimitError("events per send", MAX_EVENTS_PER_SEND, list.length, "events", "Split the batch.");
  }
  return list;
}

/**
 * `validateEvents` a slice at a time (a big send validated over several event-loop turns): adds the issues
 * of `list[start..end)` to `issues`, with paths `[index]` (none for a `single` event); `now` bounds `ts`. Throw a
 * ValidationError with them once every slice is checked, before `eventsAsJson`.
 */
export function checkEvents(
  list: EventPayload[],
  start: number,
  end: number,
  single: boolean,
  internal: boolean,
  now: number,
  issues: ValidationIssue[],
): void {
  for (let index = start; index < end; index++) {
    checkEvent(list[index] as EventPayload, single ? "" : `[${index}]`, internal, now, issues);
  }
}

/**
 * `list[start..end)` (checked by `checkEvents`) as JSON carries it. Throws LimitError for an event over
 * 512 KB (no limit when `internal`).
 */
export function eventsAsJson(
  list: EventPayload[],
  start: number,
  end: number,
  internal: boolean,
): EventPayload[] {
  const maxBytes = internal ? Number.POSITIVE_INFINITY : MAX_EVENT_BYTES;
  return list
    .slice(start, end)
    .map((event) => asJson(event, `event "${event.name}"`, maxBytes) as EventPayload);
}

/**
 * The `data` of a `step.invoke`, checked and carried like a sent event's data: JSON only (ValidationError
 * naming `what` and the path) and at most 512 KB (LimitError). Returns it as JSON carries it.
 */
export function validateEventData(data: unknown, what: string): Record<string, unknown> {
  const issues: ValidationIssue[] = [];
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    issues.push({ path: "data", message: "must be an object" });
  } else {
    checkJson(data, { root: "data", keys: [] }, issues, new Set());
  }
  if (issues.length > 0) throw new ValidationError(what, issues);
  return asJson(data, `data of ${what}`, MAX_EVENT_BYTES) as Record<string, unknown>;
}

/** `value` as JSON carries it; LimitError naming `what` when its JSON is over `maxBytes`. */
function asJson(value: unknown, what: string, maxBytes: number): unknown {
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > maxBytes) throw new LimitError(what, maxBytes, bytes, "bytes", "Store large data elsewhere.");
  return JSON.parse(text);
}

function checkEvent(
  event: EventPayload,
  prefix: string,
  internal: boolean,
  now: number,
  issues: ValidationIssue[],
) {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    issues.push({ path: prefix, message: "must be an object { name, data?, id?, ts?, v? }" });
    return;
  }
  for (const field of Object.keys(event)) {
    if (!FIELDS.has(field))
      issues.push({ path: at(field), message: "is not an event field (name, data, id, ts, v)" });
  }
  if (!isEventName(event.name)) {
    issues.push({ path: at("name"), message: EVENT_NAME_RULE });
  } else if (!internal && event.name.startsWith(INTERNAL_PREFIX)) {
    issues.push({
      path: at("name"),
      message: `must not start with "${INTERNAL_PREFIX}" (reserved for the engine)`,
    });
  }
  const data = event.data;
  if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data))) {
    issues.push({ path: at("data"), message: "must be an object" });
  } else if (data !== undefined) {
    checkJson(data, { root: at("data"), keys: [] }, issues, new Set());
  }
  if (event.id !== undefined && !isText(event.id, 1, MAX_ID)) {
    issues.push({ path: at("id"), message: `must be a string of 1-${MAX_ID} characters` });
  }
  if (event.ts !== undefined && (!Number.isSafeInteger(event.ts) || event.ts < 0)) {
    issues.push({ path: at("ts"), message: "must be ms since the epoch (an integer >= 0)" });
  } else if (event.ts !== undefined && event.ts - now > MAX_DURATION_MS) {
    issues.push({
      path: at("ts"),
      message: "must be at most 365 days ahead (the longest delay, as for sleeps)",
    });
  }
  if (event.v !== undefined && !isText(event.v, 0, MAX_VERSION)) {
    issues.push({ path: at("v"), message: `must be a string of at most ${MAX_VERSION} characters` });
  }
}

/** A well-formed string of `min`-`max` UTF-16 units. */
function isText(value: unknown, min: number, max: number): boolean {
  return (
    typeof value === "string" && value.length >= min && value.length <= max && !UNPAIRED_SURROGATE.test(value)
  );
}

const MAX_DATA_ISSUES = 20;

/** Deepest nesting of objects and arrays in event `data` (`data` itself is level 1). */
export const MAX_EVENT_DATA_DEPTH = 128;

/**
 * Where {@link checkJson} is: the path of the value it started at and the keys and indexes below it. The
 * path string is built only for an issue (`pathOf`), not for every value of every accepted event.
 */
interface JsonTrail {
  root: string;
  keys: Array<string | number>;
}

/** `trail` as an issue path: `data.items[2].name`. */
function pathOf(trail: JsonTrail): string {
  let path = trail.root;
  for (const key of trail.keys) path += typeof key === "number" ? `[${key}]` : `.${key}`;
  return path;
}

/**
 * Adds an issue for each value in `value` that JSON cannot carry faithfully: BigInt, functions, symbols,
 * NaN/Infinity, Map/Set, cycles, and nesting deeper than MAX_EVENT_DATA_DEPTH (which would overflow
 * the stack of this check and of the serializers). Values with `toJSON` (Date) are left to it. `trail` is
 * where `value` is (its keys are pushed and popped on the way down).
 */
function checkJson(value: unknown, trail: JsonTrail, issues: ValidationIssue[], open: Set<object>): void {
  if (issues.length >= MAX_DATA_ISSUES) return;
  const type = typeof value;
  if (type === "bigint" || type === "function" || type === "symbol") {
    issues.push({ path: pathOf(trail), message: `must be JSON (a ${type} cannot be sent)` });
    return;
  }
  if (type === "number" && !Number.isFinite(value)) {
    issues.push({ path: pathOf(trail), message: `must be JSON (${String(value)} is not a JSON number)` });
    return;
  }
  if (type === "string" && UNPAIRED_SURROGATE.test(value as string)) {
    issues.push({
      path: pathOf(trail),
      message: "must be well-formed text (an unpaired UTF-16 surrogate cannot be stored)",
    });
    return;
  }
  if (type !== "object" || value === null) return;
  const object = value as object;
  if (object instanceof Map || object instanceof Set) {
    issues.push({
      path: pathOf(trail),
      message: `must be JSON (a ${object.constructor.name} would arrive as {})`,
    });
    return;
  }
  if (open.has(object)) {
    issues.push({
      path: pathOf(trail),
      message: "must be JSON (it refers back to an enclosing object: a cycle)",
    });
    return;
  }
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") return;
  if (open.size >= MAX_EVENT_DATA_DEPTH) {
    issues.push({
      path: pathOf(trail),
      message: `must nest at most ${MAX_EVENT_DATA_DEPTH} levels of objects and arrays`,
    });
    return;
  }
  open.add(object);
  if (Array.isArray(object)) {
    for (let index = 0; index < object.length; index++) {
      trail.keys.push(index);
      checkJson(object[index], trail, issues, open);
      trail.keys.pop();
    }
  } else {
    const record = object as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (UNPAIRED_SURROGATE.test(key)) {
        issues.push({
          path: pathOf(trail),
          message: "must have well-formed keys (an unpaired UTF-16 surrogate cannot be stored)",
        });
      } else if (item !== undefined) {
        trail.keys.push(key);
        checkJson(item, trail, issues, open);
        trail.keys.pop();
      }
    }
  }
  open.delete(object);
}
