import { currentExecution, runInExecution } from "../engine/execution-context.js";
import type { StepTools } from "../engine/step-types.js";
import { prefixedSteps, type RunScope } from "./durable.js";
import type { StateData } from "./types.js";

/** What user code (a tool handler, a code router) may return and change: its value and `state.data`. */
interface Recorded<T> {
  value?: T;
  /** Top-level keys of `state.data` the code set (with their new values) or deleted. */
  changes?: { set: Record<string, unknown>; deleted: string[] };
  /** The code called `step.*`: it runs outside a step of its own, like any orchestrating code. */
  usesSteps?: true;
}

/**
 * Runs user code (a tool handler, a code router) so that a durable replay neither repeats it nor loses
 * what it did:
 *
 * - Outside a Fairway function it is just called, with `step` undefined.
 * - Inside one it runs as step `<scope>/<id>`, and the changes it made to `state.data` (per top-level key,
 *   compared as JSON) are stored with its result and applied again on replay.
 * - Code that calls `step.*` (human in the loop with `step.waitForEvent`, `step.invoke`, its own
 *   `step.run`s) cannot run inside a step. Its first `step.*` call, made inside the wrapping step, is
 *   refused; the wrapping step records that, the attempt's changes to `state.data` are undone, and the
 *   code runs again outside it with the real step tools (ids prefixed `<scope>/<id>/`). Like a handler's
 *   code between steps, its code outside steps then runs again on each replay; its steps do not.
 *
 * The code sees the same step tools through `currentExecution()`, so an agent run inside a tool (an agent
 * used as a tool) takes part in the same rules instead of nesting steps.
 */
export async function runUserCode<T>(
  scope: RunScope,
  id: string,
  data: StateData,
  code: (step: StepTools | undefined) => Promise<T>,
): Promise<T> {
  const step = scope.step;
  if (!step) return code(undefined);
  const guard = refusingSteps();
  let ranNow = false;
  const recorded = await scope.memo(id, async (): Promise<Recorded<T>> => {
    ranNow = true;
    const before = snapshot(data);
    let value: T;
    try {
      value = await withStep(guard.step, () => code(guard.step));
    } catch (error) {
      if (guard.used) return refused(before, data);
      throw error;
    }
    if (guard.used) return refused(before, data);
    return { value, changes: changesSince(before, data) };
  });
  if (recorded.usesSteps) {
    const own = prefixed(step, `${scope.prefix}/${id}`);
    return withStep(own, () => code(own));
  }
  if (!ranNow && recorded.changes) apply(recorded.changes, data);
  return recorded.value as T;
}

/** Runs `fn` with `step` as the current execution's step tools. */
function withStep<T>(step: StepTools, fn: () => Promise<T>): Promise<T> {
  const execution = currentExecution();
  return execution ? runInExecution({ ...execution, step }, fn) : fn();
}

/** A step object whose every call fails, noting that it was used. */
function refusingSteps(): { step: StepTools; readonly used: boolean } {
  let used = false;
  const refuse = () => {
    used = true;
    return Promise.reject(
      new Error("step tools are not available inside this step; the call is retried outside it"),
    );
  };
  const step: StepTools = {
    run: refuse,
    sleep: refuse,
    sleepUntil: refuse,
    waitForEvent: refuse,
    invoke: refuse,
    sendEvent: refuse,
  };
  return {
    step,
    get used() {
      return used;
    },
  };
}

/** The step tools with every id prefixed by `prefix/`. */
function prefixed(step: StepTools, prefix: string): StepTools {
  const tools: StepTools = {
    run: (id, fn) => step.run(`${prefix}/${id}`, fn),
    sleep: (id, duration) => step.sleep(`${prefix}/${id}`, duration),
    sleepUntil: (id, until) => step.sleepUntil(`${prefix}/${id}`, until),
    waitForEvent: (id, options) => step.waitForEvent(`${prefix}/${id}`, options),
    invoke: (id, options) => step.invoke(`${prefix}/${id}`, options),
    sendEvent: (id, events) => step.sendEvent(`${prefix}/${id}`, events),
  };
  prefixedSteps.set(tools, prefixedSteps.has(step) ? `${prefixedSteps.get(step)}/${prefix}` : prefix);
  return tools;
}

function snapshot(data: StateData): Map<string, string | undefined> {
  return new Map(Object.keys(data).map((key) => [key, JSON.stringify(data[key])]));
}

function changesSince(
  before: Map<string, string | undefined>,
  data: StateData,
): Recorded<unknown>["changes"] {
  const set: Record<string, unknown> = {};
  for (const key of Object.keys(data))
    if (before.get(key) !== JSON.stringify(data[key])) set[key] = data[key];
  const deleted = [...before.keys()].filter((key) => !Object.hasOwn(data, key));
  return Object.keys(set).length > 0 || deleted.length > 0 ? { set, deleted } : undefined;
}

/**
 * The refused attempt's changes to `data` are undone before the code runs again outside the step: a
 * replay skips that attempt, so keeping them would make the first pass and the replay see different state.
 */
function refused(before: Map<string, string | undefined>, data: StateData): Recorded<never> {
  const changes = changesSince(before, data);
  if (changes) {
    for (const key of [...Object.keys(changes.set), ...changes.deleted]) {
      const json = before.get(key);
      if (before.has(key) && json !== undefined) data[key] = JSON.parse(json);
      else delete data[key];
    }
  }
  return { usesSteps: true };
}

function apply(changes: NonNullable<Recorded<unknown>["changes"]>, data: StateData): void {
  for (const [key, value] of Object.entries(changes.set)) {
    Object.defineProperty(data, key, { value, writable: true, enumerable: true, configurable: true });
  }
  for (const key of changes.deleted) delete data[key];
}
