import { FairwayError } from "./fairway-error.js";

/**
 * A request without valid credentials: a missing, unknown or expired key or token.
 * The server answers 401 and returns no data. `reason` says which (`"missing"`, `"invalid"`, `"expired"`).
 */
export class AuthError extends FairwayError {
  readonly reason: "missing" | "invalid" | "expired";

  constructor(reason: "missing" | "invalid" | "expired", message: string) {
    super("unauthorized", message);
    this.reason = reason;
  }
}
