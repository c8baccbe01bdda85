import { FairwayError } from "./fairway-error.js";

/**
 * A `Fairway` client was used after `close()`. Code `client_closed` (HTTP 503: a server that is shutting
 * down answers so). `operation` names what was called, e.g. `"send"` or `"limits.set"`.
 *
 * @example new ClosedError("send") // "send() was called after close(): ..."
 */
export class ClosedError extends FairwayError {
  readonly operation: string;

  constructor(operation: string) {
    super(
      "client_closed",
      `${operation}() was called after close(): this Fairway client is closed for good; create a new one (new Fairway({ ... })) to go on`,
    );
    this.operation = operation;
  }
}
