import { createHash } from "node:crypto";
import { ConfigError } from "../../errors/config-error.js";
import type { Message, ModelRequest, ToolDefinition } from "../spec.js";

/** A provider's rule for tool names. */
export interface ToolNameRule {
  /** Characters allowed anywhere in a name. */
  allowed: RegExp;
  /** Longest name accepted. */
  maxLength: number;
  /** When set, the first character must match it (Gemini: a letter or `_`). */
  first?: RegExp;
}

/** OpenAI, Azure, Grok and Anthropic: letters, digits, `_` and `-`, 1–64 characters. */
export const openAiToolNames: ToolNameRule = { allowed: /[A-Za-z0-9_-]/, maxLength: 64 };
/** Gemini: starts with a letter or `_`; then letters, digits, `_ . : -`; at most 64 characters. */
export const geminiToolNames: ToolNameRule = {
  allowed: /[A-Za-z0-9_.:-]/,
  maxLength: 64,
  first: /[A-Za-z_]/,
};

/** A reversible mapping between Fairway tool names and the names a provider accepts. */
export interface ToolNameMap {
  /** The name to send for a Fairway tool name. */
  toProvider(name: string): string;
  /** The Fairway name for a name the model used; unknown names come back unchanged. */
  fromProvider(name: string): string;
}

/**
 * Maps tool names a provider rejects (dots, too long, leading digit) to valid, unique ones (pitfall R08).
 * Valid names are kept as they are and take precedence; every other name has invalid characters
 * replaced by `_`, and when it was changed it gets a `_<hash>` suffix (6 hex chars of SHA-256 of the
 * original name), so the result is deterministic and does not depend on the other tools. Names of tools
 * called earlier in the conversation are mapped too, so history stays valid.
 *
 * @throws ConfigError when two tools have the same name (a call could not be dispatched, and providers
 *   reject the request).
 */
export function createToolNameMap(
  rule: ToolNameRule,
  tools: readonly ToolDefinition[] = [],
  history: readonly Message[] = [],
): ToolNameMap {
  const names = new Set<string>();
  for (const tool of tools) {
    if (names.has(tool.name))
      throw new ConfigError("tools", "must not offer two tools with the same name", tool.name);
    names.add(tool.name);
  }
  for (const message of history) {
    if (message.type === "tool_call") for (const tool of message.tools) names.add(tool.name);
  }
  const toProvider = new Map<string, string>();
  const fromProvider = new Map<string, string>();
  const bind = (name: string, mapped: string) => {
    toProvider.set(name, mapped);
    fromProvider.set(mapped, name);
  };
  for (const name of names) if (isValid(rule, name)) bind(name, name);
  for (const name of names) {
    if (toProvider.has(name)) continue;
    let mapped = sanitize(rule, name, 0);
    for (let attempt = 1; fromProvider.has(mapped); attempt++) mapped = sanitize(rule, name, attempt);
    bind(name, mapped);
  }
  return {
    toProvider: (name) => toProvider.get(name) ?? sanitize(rule, name, 0),
    fromProvider: (name) => fromProvider.get(name) ?? name,
  };
}

function isValid(rule: ToolNameRule, name: string): boolean {
  if (name.length === 0 || name.length > rule.maxLength) return false;
  if (rule.first && !rule.first.test(name[0] ?? "")) return false;
  return [...name].every((char) => rule.allowed.test(char));
}

function sanitize(rule: ToolNameRule, name: string, attempt: number): string {
  let base = [...name].map((char) => (rule.allowed.test(char) ? char : "_")).join("");
  if (rule.first && !rule.first.test(base[0] ?? "")) base = `_${base}`;
  const hash = createHash("sha256").update(`${name}#${attempt}`).digest("hex").slice(0, 6);
  const suffix = `_${hash}`;
  return `${base.slice(0, rule.maxLength - suffix.length)}${suffix}`;
}

/**
 * The request's `toolChoice` (default `"auto"`): `"auto"`, `"any"`, or the offered tool it names, as
 * `{ name }` with the provider's name for it.
 *
 * @throws ConfigError when `toolChoice` names a tool that is not offered.
 */
export function resolveToolChoice(
  request: ModelRequest,
  names: ToolNameMap,
): "auto" | "any" | { name: string } {
  const choice = request.toolChoice ?? "auto";
  if (choice === "auto") return "auto";
  if (choice === "any") return "any";
  if (!request.tools?.some((tool) => tool.name === choice)) {
    throw new ConfigError("toolChoice", 'must be "auto", "any" or the name of an offered tool', choice);
  }
  return { name: names.toProvider(choice) };
}
