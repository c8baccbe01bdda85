import { FairwayError } from "./fairway-error.js";

/**
 * A value that must be stored (a step result, a run output) cannot be serialized: functions, symbols and
 * class instances other than Date, Map, Set, RegExp, URL and typed arrays. `where` names the step or run,
 * `path` the offending field (`""` for the value itself). Never retried: the same code yields the same value.
 */
export class SerializationError extends FairwayError {
  readonly where: string;
  readonly path: string;

  constructor(where: string, path: string, reason: string) {
    super(
      "serialization_failed",
      `${where} returned a value that cannot be stored${path ? ` at ${path}` : ""}: ${reason}. ` +
        "Return plain data (objects, arrays, strings, numbers, Date, Map, Set).",
    );
    this.where = where;
    this.path = path;
  }
}
