/**
 * Opaque page cursors for `listRuns`: newest first by (createdAt, id), shared by every store.
 *
 * @module
 */
import { ValidationError } from "../errors/index.js";

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

/** Page size: default 50, 1–1000. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ValidationError("listRuns filter", [{ path: "limit", message: "must be an integer 1-1000" }]);
  }
  return limit;
}
