import { FairwayError } from "./fairway-error.js";

/**
 * A size or count limit was exceeded (event size, step output size, run state size, batch length).
 * Never retried: the same input would exceed the limit again. `limit` and `actual` are in `unit`.
 */
export class LimitError extends FairwayError {
  readonly limitName: string;
  readonly limit: number;
  readonly actual: number;
  readonly unit: string;

  constructor(limitName: string, limit: number, actual: number, unit: string, hint = "") {
    super(
      "limit_exceeded",
      `${limitName} is ${actual} ${unit}, over the limit of ${limit} ${unit}.${hint ? ` ${hint}` : ""}`,
    );
    this.limitName = limitName;
    this.limit = limit;
    this.actual = actual;
    this.unit = unit;
  }
}
