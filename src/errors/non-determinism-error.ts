import { FairwayError } from "./fairway-error.js";

/**
 * On replay, the handler called its steps in a different order than before: the step it reached at
 * `position` is `found`, where an earlier execution recorded `expected`. The run fails without retry.
 * Fix: keep step ids and their order a pure function of the event and earlier step results.
 */
export class NonDeterminismError extends FairwayError {
  readonly position: number;
  readonly expected: string;
  readonly found: string;

  constructor(position: number, expected: string, found: string) {
    super(
      "non_determinism",
      `Step ${position} is "${found}" on replay but was "${expected}" before. ` +
        "Step ids and their order must depend only on the event and earlier step results.",
    );
    this.position = position;
    this.expected = expected;
    this.found = found;
  }
}
