/**
 * Opaque page cursors for `listRuns`: newest first by (createdAt, id), shared by every store.
 *
 * @module
 */
import { ValidationError, type ValidationIssue } from "../errors/index.js";
import { RUN_STATUSES } from "./run-statuses.js";
import type { RunFilter } from "./store.js";

/** Encodes the last run of a page as the cursor of the next one. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(`${createdAt}:${id}`, "utf8").toString("base64url");
}

/** Decodes a cursor; throws ValidationError (`cursor`) if it was not made by `encodeCursor`. */
export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const at = text.indexOf(":");
  const createdAt = Number(text.slice(0, at));
  if (at <= 0 || !Number.isFinite(createdAt)) {
    throw new ValidationError("listRuns filter", [
      { path: "cursor", message: "is not a cursor from listRuns" },
    ]);
  }
  return { createdAt, id: text.slice(at + 1) };
}

const STATUSES: ReadonlySet<string> = new Set(RUN_STATUSES);

/**
 * Checks a `listRuns` filter and returns its page size (default 50, 1–1000). Throws ValidationError naming
 * each bad field: an unknown `status`, a non-string `functionId`/`concurrencyKey`/`cursor`, a `since` or
 * `until` that is not a finite number of ms.
 */
export function checkRunFilter(filter: RunFilter): number {
  const issues: ValidationIssue[] = [];
  for (const field of ["functionId", "concurrencyKey", "cursor"] as const) {
    if (filter[field] !== undefined && typeof filter[field] !== "string")
      issues.push({ path: field, message: "must be a string" });
  }
  if (filter.status !== undefined && !STATUSES.has(filter.status)) {
    issues.push({ path: "status", message: `must be one of ${[...STATUSES].join(", ")}` });
  }
  for (const field of ["since", "until", "startedSince"] as const) {
    const value = filter[field];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value)))
      issues.push({ path: field, message: "must be ms since the epoch (a finite number)" });
  }
  const limit = filter.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    issues.push({ path: "limit", message: "must be an integer 1-1000" });
  if (issues.length > 0) throw new ValidationError("listRuns filter", issues);
  return limit;
}

/**
 * One `listRuns` page from the runs found, newest first: the first `limit`, with the cursor of the next
 * page when there were more (fetch `limit + 1` to know).
 */
export function runsPage<R extends { createdAt: number; id: string }>(
  found: R[],
  limit: number,
): { runs: R[]; nextCursor?: string } {
  const runs = found.slice(0, limit);
  const last = runs.at(-1);
  return found.length > limit && last
    ? { runs, nextCursor: encodeCursor(last.createdAt, last.id) }
    : { runs };
}
