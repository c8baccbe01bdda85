/**
 * The wake-up notices workers send each other on PostgreSQL (`NOTIFY`): the channel of a schema and the
 * payload, a JSON object `{ s, b?, d? }`: `s` the sending store (a store ignores its own notices), `b` the
 * backlog keys that got backlogged runs (`true`: some backlogs, too many to list), `d` the earliest wake-up
 * time (ms) the commit made claimable.
 *
 * @module
 */
import type { StoreWork } from "../store.js";

/** Longest payload sent (PostgreSQL's limit is 8000 bytes); more backlog keys are sent as `b: true`. */
const MAX_PAYLOAD = 7000;

/** The notice channel of `schema`: `fairway_work_<schema>`, cut to PostgreSQL's 63-byte identifiers. */
export function workChannel(schema: string): string {
  return `fairway_work_${schema}`.slice(0, 63);
}

/** What one notice carries. */
export interface WorkNotice {
  sender: string;
  /** Backlogs with new backlogged runs; `true`: some, not listed. */
  backlogs?: string[] | true;
  /** Earliest wake-up made claimable, ms. */
  dueAt?: number;
}

/** The payload of `notice` (JSON; never over {@link MAX_PAYLOAD} characters). */
export function encodeNotice(notice: WorkNotice): string {
  const payload = {
    s: notice.sender,
    ...(notice.backlogs === undefined ? {} : { b: notice.backlogs }),
    ...(notice.dueAt === undefined ? {} : { d: notice.dueAt }),
  };
  const text = JSON.stringify(payload);
  return text.length <= MAX_PAYLOAD ? text : JSON.stringify({ ...payload, b: true });
}

/**
 * The work a payload announces, unless `self` sent it or it is not a notice (another program on the channel):
 * then nothing.
 */
export function decodeNotice(payload: string | undefined, self: string): StoreWork[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload ?? "");
  } catch {
    return [];
  }
  if (typeof parsed !== "object" || parsed === null) return [];
  const { s, b, d } = parsed as { s?: unknown; b?: unknown; d?: unknown };
  if (typeof s !== "string" || s === self) return [];
  const work: StoreWork[] = [];
  if (b === true) work.push({ kind: "backlogs" });
  else if (Array.isArray(b) && b.every((key) => typeof key === "string"))
    work.push({ kind: "backlogs", backlogKeys: b });
  if (typeof d === "number" && Number.isFinite(d)) work.push({ kind: "due", at: d });
  return work;
}
