/**
 * The offline model of the code-analysis example: NOT an LLM. It plays each agent from the tool it is
 * offered and the file in its system prompt, with fixed rules: the planner picks the documentation reviewer
 * when an export has no doc comment and always the code reviewer; the documentation reviewer lists the
 * undocumented exports; the code reviewer reports the rule checks of `examples/shared/code-checks.ts`; the
 * summarizer counts and lists the suggestions. Summaries start with `OFFLINE_LABEL`.
 *
 * @module
 */
import type { Model, ModelRequest } from "../../src/index.js";
import { checkCode } from "../shared/code-checks.js";
import { outline } from "../shared/code-outline.js";
import { OFFLINE_LABEL, type PolicyAction, policyModel, systemText } from "../shared/policy-model.js";

/** The offline analyst model (`"review-rules (offline, not an LLM)"`). */
export function offlineAnalyst(): Model {
  return policyModel({ name: "review-rules", decide });
}

function decide(request: ModelRequest): PolicyAction {
  const system = systemText(request.messages);
  const offered = new Set((request.tools ?? []).map((tool) => tool.name));
  const file = /^File: (.+)$/m.exec(system)?.[1] ?? "file.ts";
  const code = /```ts\n([\s\S]*?)```/.exec(system)?.[1] ?? "";
  const undocumented = outline(file, code).exports.filter((item) => !item.summary);
  if (offered.has("generate_plan")) {
    const agents = undocumented.length > 0 ? ["Documentation Reviewer", "Code Reviewer"] : ["Code Reviewer"];
    return { toolCalls: [{ name: "generate_plan", input: { agents } }] };
  }
  if (offered.has("save_suggestions")) {
    const suggestions = system.startsWith("You review documentation")
      ? undocumented.map((item) => `Add a doc comment to ${item.kind} ${item.name}.`)
      : checkCode(file, code).map((finding) => `Line ${finding.line}: ${finding.message}.`);
    return { toolCalls: [{ name: "save_suggestions", input: { suggestions } }] };
  }
  if (offered.has("save_summary")) {
    const items = system.split("\n").filter((line) => line.startsWith("- ["));
    const summary =
      items.length === 0
        ? `${OFFLINE_LABEL} The rule checks found nothing to change.`
        : `${OFFLINE_LABEL} ${items.length} suggestion(s) from the rule checks:\n${items.join("\n")}`;
    return { toolCalls: [{ name: "save_summary", input: { summary } }] };
  }
  return { text: `${OFFLINE_LABEL} I only know the planner, reviewer and summarizer steps of this example.` };
}
