import { createHash, randomUUID } from "node:crypto";

/**
 * A stable id of at most 40 characters (OpenAI's limit for tool call ids): `<kind>_` + 32 chars of the
 * base64url SHA-256 of `seed`. The same seed gives the same id, which is how ids stay stable when a
 * durable run replays (seeds are built from the run id and step ids).
 */
export function deriveId(kind: string, seed: string): string {
  return `${kind}_${createHash("sha256").update(seed).digest("base64url").slice(0, 32)}`;
}

/** A random id (`<kind>_<uuid without dashes>`), for runs outside a durable function. */
export function generateId(kind = "id"): string {
  return `${kind}_${randomUUID().replaceAll("-", "")}`;
}
