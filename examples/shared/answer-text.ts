import type { AgentResult } from "../../src/index.js";
import { textOf } from "./policy-model.js";

/** The agent's answer: the text of the last assistant text message of a result (`""` when there is none). */
export function answerText(result: AgentResult): string {
  for (let i = result.output.length - 1; i >= 0; i--) {
    const message = result.output[i];
    if (message?.type === "text" && message.role === "assistant") return textOf(message.content);
  }
  return "";
}
