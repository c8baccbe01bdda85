/**
 * The offline model's decision rule, as a pure function of the conversation: no network, no weights, no
 * per-question data. Given the messages so far and the tools on offer it does the next step of a fixed plan:
 *
 * 1. no `search` result yet and `search` offered → search for the question's keywords;
 * 2. a search result but no `read_file` result, and `read_file` offered → read the top hit, from its best passage;
 * 3. otherwise → answer with the best-matching passage of what was read (or of the search snippets), citing
 *    its source path on a `Source:` line.
 *
 * @module
 */
import sjson from "secure-json-parse";
import type { Message } from "../../src/index.js";
import type { ToolDefinition } from "../../src/models/index.js";
import { lastUserText, OFFLINE_LABEL } from "../shared/policy-model.js";
import { bestPassage, quote } from "./best-passage.js";
import { keywords } from "./tokenize.js";

export { OFFLINE_LABEL };

/** What the policy does next. */
export type OfflineAction =
  | { kind: "tool"; name: "search"; input: { query: string } }
  | { kind: "tool"; name: "read_file"; input: { path: string; offset: number } }
  | { kind: "answer"; text: string; source?: string };

interface SearchHitLike {
  path: string;
  offset?: number;
  heading?: string;
  snippet?: string;
}

/** The `data` of the latest successful result of tool `name`, unwrapping `{data}` and JSON strings. */
function latestToolData(messages: readonly Message[], name: string): unknown {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.type !== "tool_result" || message.tool.name !== name) continue;
    let content = message.content;
    if (typeof content === "string") {
      try {
        content = sjson.parse(content, undefined, { protoAction: "remove", constructorAction: "remove" });
      } catch {
        return undefined;
      }
    }
    if (content && typeof content === "object" && "data" in content)
      return (content as { data: unknown }).data;
    return undefined;
  }
  return undefined;
}

function searchHits(data: unknown): SearchHitLike[] | undefined {
  const hits = data && typeof data === "object" && "hits" in data ? (data as { hits: unknown }).hits : data;
  if (!Array.isArray(hits)) return undefined;
  return hits.filter((hit): hit is SearchHitLike => typeof hit?.path === "string");
}

function readText(data: unknown): { path: string; text: string } | undefined {
  if (!data || typeof data !== "object") return undefined;
  const { path, text } = data as { path?: unknown; text?: unknown };
  return typeof path === "string" && typeof text === "string" ? { path, text } : undefined;
}

function hasTool(tools: readonly ToolDefinition[], name: string): boolean {
  return tools.some((tool) => tool.name === name);
}

/** Composes the answer from the evidence in the conversation. */
function answer(question: string, messages: readonly Message[]): OfflineAction {
  const read = readText(latestToolData(messages, "read_file"));
  const hits = searchHits(latestToolData(messages, "search")) ?? [];
  const evidence =
    read ??
    (hits[0] ? { path: hits[0].path, text: hits.map((h) => h.snippet ?? "").join("\n\n") } : undefined);
  const passage = evidence ? bestPassage(evidence.text, question) : undefined;
  if (!evidence || !passage) {
    return {
      kind: "answer",
      text: `${OFFLINE_LABEL} I found no passage in the corpus that matches: "${question}".`,
    };
  }
  const section = passage.heading ? ` (section "${passage.heading}")` : "";
  const text =
    `${OFFLINE_LABEL} The best-matching passage for "${question}" is in ${evidence.path}${section}:\n\n` +
    `${quote(passage.text)}\n\nSource: ${evidence.path}`;
  return { kind: "answer", text, source: evidence.path };
}

/** Decides the next step for `messages`, given the tools the caller offers. Deterministic. */
export function decide(messages: readonly Message[], tools: readonly ToolDefinition[] = []): OfflineAction {
  const question = lastUserText(messages);
  const searched = latestToolData(messages, "search");
  if (hasTool(tools, "search") && searched === undefined) {
    return { kind: "tool", name: "search", input: { query: keywords(question).join(" ") } };
  }
  const top = searchHits(searched)?.[0];
  if (hasTool(tools, "read_file") && top && latestToolData(messages, "read_file") === undefined) {
    return { kind: "tool", name: "read_file", input: { path: top.path, offset: top.offset ?? 0 } };
  }
  return answer(question, messages);
}
