/**
 * The offline model of the explain-code example: NOT an LLM. It finds the file in the user's message (the
 * fenced code block after "Explain the file <name>") and describes it from its static outline (`examples/shared/code-outline.ts`):
 * the module summary, its imports and its exports with their doc summaries. It cannot say anything the code
 * and its comments do not state, and its answer starts with `OFFLINE_LABEL`.
 *
 * @module
 */
import type { Model } from "../../src/index.js";
import { outline } from "../shared/code-outline.js";
import { lastUserText, OFFLINE_LABEL, policyModel } from "../shared/policy-model.js";

/** The offline explainer model (`"outline-policy (offline, not an LLM)"`). */
export function offlineExplainer(): Model {
  return policyModel({
    name: "outline-policy",
    decide: (request) => ({ text: explain(lastUserText(request.messages)) }),
  });
}

/** The offline answer to an "explain this file" message. */
export function explain(message: string): string {
  const name = /Explain the file (\S+?):?\s*\n/.exec(message)?.[1] ?? "file.ts";
  const code = /```[a-z]*\n([\s\S]*?)```/.exec(message)?.[1];
  if (code === undefined) return `${OFFLINE_LABEL} I can only outline a file given in a fenced code block.`;
  const found = outline(name, code);
  const lines = [
    `${OFFLINE_LABEL} An outline of ${name} from its code and comments (${found.lines} lines).`,
    found.summary ? `Purpose, from its header comment: ${found.summary}` : "It has no header comment.",
    found.imports.length > 0 ? `It imports from: ${found.imports.join(", ")}.` : "It imports nothing.",
  ];
  if (found.exports.length === 0) lines.push("It exports nothing.");
  else {
    lines.push(`It exports ${found.exports.length} name(s):`);
    for (const item of found.exports) {
      lines.push(`- ${item.kind} ${item.name}${item.summary ? `: ${item.summary}` : " (undocumented)"}`);
    }
  }
  return lines.join("\n");
}
