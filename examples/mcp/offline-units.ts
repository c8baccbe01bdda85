/**
 * The offline model of the MCP example: NOT an LLM. It finds "<number> <unit> to|in <unit>" in the question,
 * calls the MCP server's `convert` tool (whatever prefix the server's name gives it) and answers with the
 * tool's text. Answers start with `OFFLINE_LABEL`.
 *
 * @module
 */
import type { Message, Model, ModelRequest } from "../../src/index.js";
import { lastUserText, OFFLINE_LABEL, type PolicyAction, policyModel } from "../shared/policy-model.js";

/** The offline units model (`"units-rules (offline, not an LLM)"`). */
export function offlineUnits(): Model {
  return policyModel({ name: "units-rules", decide });
}

function decide(request: ModelRequest): PolicyAction {
  const convert = (request.tools ?? []).find((tool) => tool.name.endsWith("-convert"))?.name;
  if (!convert) return { text: `${OFFLINE_LABEL} No convert tool is available.` };
  const result = lastResult(request.messages, convert);
  if (result) return { text: `${OFFLINE_LABEL} ${result}` };
  const match = /(-?\d+(?:\.\d+)?)\s*([a-z]+)\s+(?:to|in|into)\s+([a-z]+)/i.exec(
    lastUserText(request.messages),
  );
  if (!match) return { text: `${OFFLINE_LABEL} Ask me like "convert 10 km to mi".` };
  const [, value, from, to] = match;
  return { toolCalls: [{ name: convert, input: { value: Number(value), from, to } }] };
}

/** The text of the convert tool's result (MCP content parts), or its error. */
function lastResult(messages: readonly Message[], tool: string): string | undefined {
  const message = messages.findLast((m) => m.type === "tool_result" && m.tool.name === tool);
  if (message?.type !== "tool_result") return undefined;
  const content = message.content as { data?: Array<{ type: string; text?: string }>; error?: unknown };
  if (content.error !== undefined) {
    const error = content.error as { message?: string } | string;
    return `The conversion failed: ${typeof error === "string" ? error : error.message}`;
  }
  return (content.data ?? []).map((part) => part.text ?? "").join("");
}
