import type { z } from "zod";
import { ConfigError } from "../errors/config-error.js";
import type { ValidationIssue } from "../errors/validation-error.js";
import { parseJson } from "../models/shared/json.js";
import { outputJsonSchema } from "../models/shared/json-schema.js";
import type { Message, OutputFormat } from "../models/spec.js";

/** An agent's output schema (`createAgent({ output })`): its answer is JSON validated against `schema`. */
export interface AgentOutputOptions<O> {
  /** A zod 4 schema whose root is an object (`z.object({...})`); `result.structuredOutput` is its output type. */
  schema: z.ZodType<O>;
  /** Schema name sent to the provider (`^[A-Za-z0-9_-]{1,64}$`). @default "output" */
  name?: string;
  /** Sent with the schema (OpenAI `json_schema.description`, Anthropic's output tool description). */
  description?: string;
  /**
   * Corrections allowed: when the answer is not valid, the validation error is fed back to the model and
   * it answers again, at most this many times; then `OutputValidationError`. Whole number 0–10.
   * @default 2
   */
  retries?: number;
}

/** `AgentOutputOptions` checked and with defaults applied. */
export interface AgentOutput<O> {
  schema: z.ZodType<O>;
  retries: number;
  /** What the model is sent (`ModelRequest.output`). */
  format: OutputFormat;
}

const namePattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks an agent's `output` option at definition time.
 *
 * @throws ConfigError (`output.schema`) for a value that is not a zod 4 schema or whose root is not an
 *   object; (`output.name`) for a name providers reject; (`output.retries`) for a value that is not a
 *   whole number from 0 to 10.
 */
export function agentOutput<O>(options: AgentOutputOptions<O>): AgentOutput<O> {
  const schema = options.schema as unknown;
  if (typeof schema !== "object" || schema === null || !("_zod" in schema)) {
    throw new ConfigError("output.schema", "must be a zod 4 schema, e.g. z.object({ ... })");
  }
  const name = options.name ?? "output";
  if (!namePattern.test(name)) {
    throw new ConfigError("output.name", "must match ^[A-Za-z0-9_-]{1,64}$", name);
  }
  const retries = options.retries ?? 2;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new ConfigError("output.retries", "must be a whole number from 0 to 10", retries);
  }
  const format: OutputFormat = { name, schema: options.schema };
  if (options.description) format.description = options.description;
  outputJsonSchema(format);
  return { schema: options.schema, retries, format };
}

/** The outcome of checking one answer: its value, or what is wrong with it. */
export type CheckedOutput<O> =
  | { ok: true; value: O; answer: string }
  | { ok: false; issues: ValidationIssue[]; answer: string };

/**
 * Reads the answer of one round (its last assistant text, without a surrounding Markdown code fence, which
 * models without a native JSON mode often add), parses it as JSON and validates it with the schema.
 */
export function checkOutput<O>(output: Message[], schema: z.ZodType<O>): CheckedOutput<O> {
  const answer = lastAnswer(output);
  if (answer === undefined) {
    return {
      ok: false,
      answer: "",
      issues: [{ path: "", message: "no answer: the turn ended without text" }],
    };
  }
  const parsed = parseJson(stripFence(answer));
  if (!parsed.ok) return { ok: false, answer, issues: [{ path: "", message: `not JSON: ${parsed.error}` }] };
  const validated = schema.safeParse(parsed.value);
  if (validated.success) return { ok: true, value: validated.data, answer };
  const issues = validated.error.issues.map((issue) => ({
    path: issue.path.join("."),
    message: issue.message,
  }));
  return { ok: false, answer, issues };
}

/** The user message that asks the model to correct an invalid answer. */
export function correctionMessage(issues: ValidationIssue[]): Message {
  const list = issues.map((issue) => `- ${issue.path || "(answer)"}: ${issue.message}`).join("\n");
  return {
    type: "text",
    role: "user",
    content: `Your answer does not match the required output schema:\n${list}\nAnswer again with only the JSON object.`,
  };
}

function lastAnswer(output: Message[]): string | undefined {
  for (let index = output.length - 1; index >= 0; index--) {
    const message = output[index];
    if (message?.type !== "text" || message.role !== "assistant") continue;
    return typeof message.content === "string"
      ? message.content
      : message.content.map((part) => part.text).join("");
  }
  return undefined;
}

function stripFence(text: string): string {
  const match = /^\s*```[A-Za-z]*\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return match?.[1] ?? text;
}
