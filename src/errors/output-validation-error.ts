import { ValidationError, type ValidationIssue } from "./validation-error.js";

/**
 * An agent with an output schema (`createAgent({ output })`) did not give a valid answer: after its
 * corrections (`output.retries`, each feeding the validation error back to the model) the last answer was
 * still not JSON matching the schema. `issues` name each bad field of the last answer (path `""` for the
 * whole answer), `answer` is its text, `attempts` the answers tried. Its code is `validation_failed`, so a
 * durable run fails at once instead of retrying the same stored answers.
 */
export class OutputValidationError extends ValidationError {
  readonly agentName: string;
  readonly attempts: number;
  readonly answer: string;

  constructor(agentName: string, attempts: number, answer: string, issues: ValidationIssue[]) {
    super(`The answer of agent "${agentName}" after ${attempts} attempt(s)`, issues);
    this.agentName = agentName;
    this.attempts = attempts;
    this.answer = answer;
  }
}
