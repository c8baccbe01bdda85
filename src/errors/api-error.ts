import { FairwayError } from "./fairway-error.js";
import type { ValidationIssue } from "./validation-error.js";

/**
 * A Fairway server answered a client's request with an error (`fairway-agents/client`). `status` is the
 * HTTP status; `code`, the message and `issues` are the server's (`{ error: { code, message, issues } }`),
 * e.g. `validation_failed` with the fields named, `forbidden` for another tenant's thread.
 */
export class ApiError extends FairwayError {
  readonly status: number;
  readonly issues: ValidationIssue[];

  constructor(status: number, code: string, message: string, issues: ValidationIssue[] = []) {
    super(code, `${message} (HTTP ${status})`);
    this.status = status;
    this.issues = issues;
  }
}
