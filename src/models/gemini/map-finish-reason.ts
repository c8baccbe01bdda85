import type { StopReason } from "../spec.js";

const filtered = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]);

/** Gemini `finishReason` (or a prompt `blockReason`) → Fairway `StopReason`. */
export function mapFinishReason(reason: string | null | undefined, blockReason?: string | null): StopReason {
  if (blockReason) return "content_filter";
  if (reason === "STOP") return "stop";
  if (reason === "MAX_TOKENS") return "length";
  return reason && filtered.has(reason) ? "content_filter" : "other";
}
