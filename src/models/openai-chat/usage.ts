import type { Usage } from "../spec.js";
import type { ChatCompletion } from "./api.js";

/** chat-completions `usage` → Fairway `Usage` (`prompt_tokens` in, `completion_tokens` out). */
export function mapUsage(usage: ChatCompletion["usage"]): Usage {
  const out: Usage = {};
  if (typeof usage?.prompt_tokens === "number") out.inputTokens = usage.prompt_tokens;
  if (typeof usage?.completion_tokens === "number") out.outputTokens = usage.completion_tokens;
  return out;
}
