import type { ToolMessage } from "../spec.js";
import { isJsonObject, parseJson } from "./json.js";

/**
 * Turns a tool call's argument text into `ToolMessage` input. Malformed JSON, JSON that is not an
 * object, or empty text give `input: {}` plus an `inputError` naming the tool, so the caller can answer
 * with an `{error}` tool result instead of crashing (pitfall R05). Arguments are never silently coerced.
 * `allowEmpty`: empty text means `{}` (a tool that takes no arguments, or Anthropic's empty stream input).
 */
export function parseToolArguments(
  toolName: string,
  text: string,
  allowEmpty = false,
): Pick<ToolMessage, "input" | "inputError"> {
  if (text.trim() === "") {
    return allowEmpty ? { input: {} } : { input: {}, inputError: invalid(toolName, "they are empty", text) };
  }
  const parsed = parseJson(text);
  if (!parsed.ok)
    return { input: {}, inputError: invalid(toolName, `they are not valid JSON (${parsed.error})`, text) };
  if (!isJsonObject(parsed.value))
    return { input: {}, inputError: invalid(toolName, "they are not a JSON object", text) };
  return { input: parsed.value };
}

function invalid(toolName: string, why: string, text: string): string {
  const shown = text.length > 200 ? `${text.slice(0, 197)}...` : text;
  return `The arguments for tool "${toolName}" could not be used: ${why}. Received: ${JSON.stringify(shown)}. Call the tool again with a JSON object that matches its parameters.`;
}
