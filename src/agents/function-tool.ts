import { ToolCallError } from "../errors/tool-call-error.js";
import type { AnyTool } from "./tool.js";

/** The parts of a Fairway function (from `fairway.createFunction`) that make it usable as a tool. */
export interface FunctionLike {
  id: string;
  name?: string;
  triggers: unknown[];
  handler: unknown;
}

/** True for a Fairway function object (duck-typed, so functions from another copy of the package work). */
export function isFairwayFunction(value: unknown): value is FunctionLike {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.id === "string" &&
    Array.isArray(candidate.triggers) &&
    typeof candidate.handler === "function"
  );
}

/**
 * A Fairway function as a tool: its name is the function id (characters other than letters, digits, `_`
 * and `-` become `_`), its arguments become the invoked run's `event.data`, and calling it is
 * `step.invoke("<agent>/tools/<name>")` — the agent's run waits durably for the child run's result.
 * Outside a Fairway function there is no engine to invoke through, so the call fails with a
 * `ToolCallError` (an `{ error }` result), as in AgentKit.
 */
export function functionTool(fn: FunctionLike, agentName: string): AnyTool {
  const name = fn.id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
  return {
    name,
    description: fn.name ?? "",
    parameters: { type: "object", additionalProperties: true },
    handler: (input: Record<string, unknown>, { step }) => {
      if (!step) {
        throw new ToolCallError(
          name,
          "",
          `Function tool "${name}" can only be called inside a Fairway function.`,
        );
      }
      return step.invoke(`${agentName}/tools/${name}`, { function: fn, data: input });
    },
  };
}
