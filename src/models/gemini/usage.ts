import type { Usage } from "../spec.js";
import type { GenerateContentResponse } from "./api.js";

/**
 * Gemini `usageMetadata` → Fairway `Usage`, merged into `into`: `promptTokenCount` in; candidates plus
 * thoughts tokens out (both are billed as output); `cachedContentTokenCount` cached.
 */
export function mergeUsage(into: Usage, usage: GenerateContentResponse["usageMetadata"]): void {
  if (!usage) return;
  if (typeof usage.promptTokenCount === "number") into.inputTokens = usage.promptTokenCount;
  if (typeof usage.candidatesTokenCount === "number" || typeof usage.thoughtsTokenCount === "number") {
    into.outputTokens = (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0);
  }
  if (typeof usage.cachedContentTokenCount === "number")
    into.cachedInputTokens = usage.cachedContentTokenCount;
}
