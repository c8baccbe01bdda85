import { currentExecution, type ExecutionContext } from "../engine/execution-context.js";
import type { StepTools } from "../engine/step-types.js";
import { generateId } from "../streaming/ids.js";

/**
 * Where an agent or network run executes. Inside a Fairway function (found through AsyncLocalStorage,
 * no argument needed) every `memo` is a `step.run` with a deterministic id, so a replay returns stored
 * results instead of calling the model, the tool or the router again. Outside a function `memo` just
 * calls its function and `step` is undefined (as in AgentKit).
 */
export interface RunScope {
  /** The step tools of the executing Fairway run, or undefined outside one. */
  readonly step: StepTools | undefined;
  /** Step-id prefix of this scope, e.g. `"Support network"` or `"Support network/2-triage"`. */
  readonly prefix: string;
  /** A seed for derived ids: stable across replays of a durable run, random per run otherwise. */
  readonly seed: string;
  /**
   * Runs `fn` as step `<prefix>/<id>` when durable (its result made JSON-safe, so the first execution and a
   * replay see the same value); calls it directly otherwise.
   */
  memo<T>(id: string, fn: () => Promise<T>): Promise<T>;
  /** A nested scope `<prefix>/<name>`. */
  child(name: string): RunScope;
}

const ordinals = new WeakMap<ExecutionContext, Map<string, number>>();

/** Step tools that prefix every id (given to user code running outside its own step), by prefix. */
export const prefixedSteps = new WeakMap<StepTools, string>();

/**
 * Opens the scope of a top-level network or agent run named `name`. Within one execution the n-th run of
 * the same name gets prefix `name#n` (n > 0), so two runs in one function never share step ids; the
 * numbering restarts with each execution (the engine builds a new context per execution), which replays
 * runs in the same order.
 */
export function openScope(name: string): RunScope {
  const execution = currentExecution();
  if (!execution) return makeScope(undefined, name, generateId("run"));
  let counts = ordinals.get(execution);
  if (!counts) {
    counts = new Map();
    ordinals.set(execution, counts);
  }
  const ordinal = counts.get(name) ?? 0;
  counts.set(name, ordinal + 1);
  const prefix = ordinal === 0 ? name : `${name}#${ordinal}`;
  const outer = prefixedSteps.get(execution.step);
  return makeScope(execution.step, prefix, `${execution.runId}/${outer ? `${outer}/` : ""}${prefix}`);
}

function makeScope(step: StepTools | undefined, prefix: string, seed: string): RunScope {
  return {
    step,
    prefix,
    seed,
    memo: step
      ? (id, fn) => step.run(`${prefix}/${id}`, async () => toJsonValue(await fn())) as never
      : (_id, fn) => fn(),
    child: (name) => makeScope(step, `${prefix}/${name}`, `${seed}/${name}`),
  };
}

/** `value` after a JSON round trip (`undefined` becomes `null`): what a model or a store would see. */
function toJsonValue<T>(value: T): T {
  const text = JSON.stringify(value);
  return (text === undefined ? null : JSON.parse(text)) as T;
}
