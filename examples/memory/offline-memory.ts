/**
 * The offline model of the memory example: NOT an LLM. Fixed rules: a statement about the user ("Remember
 * that …", "My … is …", "I am/like/have …") is saved with `remember`; a question is searched with `recall`
 * and answered by quoting what was recalled. Answers start with `OFFLINE_LABEL`.
 *
 * @module
 */
import type { Model, ModelRequest } from "../../src/index.js";
import {
  lastUserText,
  latestToolData,
  OFFLINE_LABEL,
  type PolicyAction,
  policyModel,
} from "../shared/policy-model.js";

/** The offline memory model (`"memory-rules (offline, not an LLM)"`). */
export function offlineMemory(): Model {
  return policyModel({ name: "memory-rules", decide });
}

function decide(request: ModelRequest): PolicyAction {
  const message = lastUserText(request.messages).trim();
  const saved = latestToolData(request.messages, "remember");
  const recalled = latestToolData(request.messages, "recall") as string[] | undefined;
  if (saved !== undefined) return { text: `${OFFLINE_LABEL} Noted: I will remember that.` };
  if (recalled !== undefined) {
    return recalled.length === 0
      ? { text: `${OFFLINE_LABEL} I don't remember anything about that yet.` }
      : { text: `${OFFLINE_LABEL} From what you told me: ${recalled.map((fact) => `"${fact}"`).join(" ")}` };
  }
  if (message.endsWith("?")) return { toolCalls: [{ name: "recall", input: { query: message } }] };
  const fact =
    /^remember(?: that)?\s+(.+)$/i.exec(message)?.[1] ??
    (/^(my |i am |i'm |i like |i have )/i.test(message) ? message : undefined);
  if (fact) return { toolCalls: [{ name: "remember", input: { facts: [asSentence(fact)] } }] };
  return { text: `${OFFLINE_LABEL} Tell me something about yourself, or ask me what I remember.` };
}

/** The fact as the user said it, as one sentence: "my favourite colour is green" → "My favourite colour is green.". */
function asSentence(fact: string): string {
  const sentence = fact.charAt(0).toUpperCase() + fact.slice(1);
  return /[.!]$/.test(sentence) ? sentence : `${sentence}.`;
}
