import type { Usage } from "../spec.js";
import type { AnthropicUsage } from "./api.js";

/**
 * Messages API `usage` → Fairway `Usage`, merged into `into` (a stream reports input at `message_start`
 * and cumulative output at `message_delta`). Input counts cache writes and reads too, since
 * Anthropic's `input_tokens` leaves them out; cache reads are also `cachedInputTokens`.
 */
export function mergeUsage(into: Usage, usage: AnthropicUsage): void {
  if (!usage) return;
  const parts = [usage.input_tokens, usage.cache_creation_input_tokens, usage.cache_read_input_tokens];
  if (parts.some((part) => typeof part === "number")) {
    into.inputTokens = parts.reduce<number>((sum, part) => sum + (part ?? 0), 0);
  }
  if (typeof usage.output_tokens === "number") into.outputTokens = usage.output_tokens;
  if (typeof usage.cache_read_input_tokens === "number")
    into.cachedInputTokens = usage.cache_read_input_tokens;
}
