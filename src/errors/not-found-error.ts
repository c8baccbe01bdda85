import { FairwayError } from "./fairway-error.js";

/** A function, run, thread or other named thing does not exist. `kind` is e.g. `"run"`, `id` its id. */
export class NotFoundError extends FairwayError {
  readonly kind: string;
  readonly id: string;

  constructor(kind: string, id: string) {
    super("not_found", `No ${kind} with id "${id}".`);
    this.kind = kind;
    this.id = id;
  }
}
