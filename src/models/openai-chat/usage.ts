import type { Usage } from "../spec.js";
import type { ChatCompletion } from "./api.js";

/**
 * chat-completions `usage` → Fairway `Usage` (`prompt_tokens` in, `completion_tokens` out,
 * `prompt_tokens_details.cached_tokens` cached).
 */
export function mapUsage(usage: ChatCompletion["usage"]): Usage {
  const out: Usage = {};
  if (typeof usage?.prompt_tokens === "number") out.inputTokens = usage.prompt_tokens;
  if (typeof usage?.completion_tokens === "number") out.outputTokens = usage.completion_tokens;
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  if (typeof cached === "number") out.cachedInputTokens = cached;
  return out;
}
