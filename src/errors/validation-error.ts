import { FairwayError } from "./fairway-error.js";

/** One problem found in input: the path of the field (`"data.user.id"`, `""` for the root) and the rule. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Input (an event, a request body, tool arguments) that does not match what is expected.
 * `issues` lists every problem found, each naming its field.
 */
export class ValidationError extends FairwayError {
  readonly issues: ValidationIssue[];

  constructor(what: string, issues: ValidationIssue[]) {
    const list = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    super("validation_failed", `${what} is invalid: ${list.join("; ")}`);
    this.issues = issues;
  }
}
