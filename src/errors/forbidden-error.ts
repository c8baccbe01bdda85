import { FairwayError } from "./fairway-error.js";

/**
 * Valid credentials that do not allow this action, e.g. an event key used on the admin API or a
 * tenant token reading another user's run. The server answers 403 and returns no data.
 * `needed` names the credential that would be allowed (`"signing key"`, `"event key"`, ...).
 */
export class ForbiddenError extends FairwayError {
  readonly needed: string;

  constructor(message: string, needed: string) {
    super("forbidden", message);
    this.needed = needed;
  }
}
