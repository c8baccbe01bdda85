/**
 * Validation of sent events: shape, name, data, and size limits. Runs before anything is stored, so a bad
 * send stores nothing.
 *
 * @module
 */
import { LimitError, ValidationError, type ValidationIssue } from "../errors/index.js";
import type { EventPayload } from "./step-types.js";

/** Largest event, as UTF-8 JSON bytes: 512 KB (Inngest's default). */
export const MAX_EVENT_BYTES = 512 * 1024;
/** Most events in one send. */
export const MAX_EVENTS_PER_SEND = 5000;
/** Longest event name. */
export const MAX_EVENT_NAME = 255;
/** Prefix of events only the engine sends (`fairway/function.failed`, ...). */
export const INTERNAL_PREFIX = "fairway/";

const FIELDS = new Set(["name", "data", "id", "ts", "v"]);

/**
 * Checks `input` (one event or an array) and returns the list as JSON would carry it (a Date becomes its ISO
 * string, `undefined` fields are dropped; the sender's objects are not changed), so every store hands
 * handlers the same data. Throws ValidationError listing every issue
 * (paths like `"[2].data"`), or LimitError for too many or too large events. `internal` (engine-sent
 * events) allows the reserved `fairway/` prefix and has no size limit: such events carry data that was
 * already accepted (the failure event holds the failed run's events and its error).
 */
export function validateEvents(input: EventPayload | EventPayload[], internal = false): EventPayload[] {
  const list = sendList(input);
  const issues: ValidationIssue[] = [];
  checkEvents(list, 0, list.length, !Array.isArray(input), internal, issues);
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
 * of `list[start..end)` to `issues`, with paths `[index]` (none for a `single` event). Throw a
 * ValidationError with them once every slice is checked, before `eventsAsJson`.
 */
export function checkEvents(
  list: EventPayload[],
  start: number,
  end: number,
  single: boolean,
  internal: boolean,
  issues: ValidationIssue[],
): void {
  for (let index = start; index < end; index++) {
    checkEvent(list[index] as EventPayload, single ? "" : `[${index}]`, internal, issues);
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
    checkJson(data, "data", issues, new Set());
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

function checkEvent(event: EventPayload, prefix: string, internal: boolean, issues: ValidationIssue[]) {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    issues.push({ path: prefix, message: "must be an object { name, data?, id?, ts?, v? }" });
    return;
  }
  for (const field of Object.keys(event)) {
    if (!FIELDS.has(field))
      issues.push({ path: at(field), message: "is not an event field (name, data, id, ts, v)" });
  }
  if (typeof event.name !== "string" || event.name === "" || event.name.length > MAX_EVENT_NAME) {
    issues.push({ path: at("name"), message: `must be a string of 1-${MAX_EVENT_NAME} chars` });
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
    checkJson(data, at("data"), issues, new Set());
  }
  if (event.id !== undefined && (typeof event.id !== "string" || event.id === "" || event.id.length > 255)) {
    issues.push({ path: at("id"), message: "must be a string of 1-255 chars" });
  }
  if (
    event.ts !== undefined &&
    (typeof event.ts !== "number" || !Number.isFinite(event.ts) || event.ts < 0)
  ) {
    issues.push({ path: at("ts"), message: "must be ms since the epoch (a finite number >= 0)" });
  }
  if (event.v !== undefined && typeof event.v !== "string")
    issues.push({ path: at("v"), message: "must be a string" });
}

const MAX_DATA_ISSUES = 20;

/** Deepest nesting of objects and arrays in event `data` (`data` itself is level 1). */
export const MAX_EVENT_DATA_DEPTH = 128;

/**
 * Adds an issue for each value in `value` that JSON cannot carry faithfully: BigInt, functions, symbols,
 * NaN/Infinity, Map/Set, cycles, and nesting deeper than MAX_EVENT_DATA_DEPTH (which would overflow
 * the stack of this check and of the serializers). Values with `toJSON` (Date) are left to it.
 */
function checkJson(value: unknown, path: string, issues: ValidationIssue[], open: Set<object>): void {
  if (issues.length >= MAX_DATA_ISSUES) return;
  const type = typeof value;
  if (type === "bigint" || type === "function" || type === "symbol") {
    issues.push({ path, message: `must be JSON (a ${type} cannot be sent)` });
    return;
  }
  if (type === "number" && !Number.isFinite(value)) {
    issues.push({ path, message: `must be JSON (${String(value)} is not a JSON number)` });
    return;
  }
  if (type !== "object" || value === null) return;
  const object = value as object;
  if (object instanceof Map || object instanceof Set) {
    issues.push({ path, message: `must be JSON (a ${object.constructor.name} would arrive as {})` });
    return;
  }
  if (open.has(object)) {
    issues.push({ path, message: "must be JSON (it refers back to an enclosing object: a cycle)" });
    return;
  }
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") return;
  if (open.size >= MAX_EVENT_DATA_DEPTH) {
    issues.push({ path, message: `must nest at most ${MAX_EVENT_DATA_DEPTH} levels of objects and arrays` });
    return;
  }
  open.add(object);
  if (Array.isArray(object)) {
    object.forEach((item, index) => {
      checkJson(item, `${path}[${index}]`, issues, open);
    });
  } else {
    for (const [key, item] of Object.entries(object)) {
      if (item !== undefined) checkJson(item, `${path}.${key}`, issues, open);
    }
  }
  open.delete(object);
}
