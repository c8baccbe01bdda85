import { ToolCallError } from "./tool-call-error.js";
import type { ValidationIssue } from "./validation-error.js";

/**
 * The arguments of a tool call could not be parsed, or do not match the tool's `parameters` schema.
 * `issues` names each offending field (path `""` for the whole argument object).
 */
export class InvalidToolArgumentsError extends ToolCallError {
  readonly issues: ValidationIssue[];

  constructor(toolName: string, toolCallId: string, issues: ValidationIssue[]) {
    const list = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    super(toolName, toolCallId, `Invalid arguments for tool "${toolName}": ${list.join("; ")}`, {
      code: "tool_arguments_invalid",
    });
    this.issues = issues;
  }
}
