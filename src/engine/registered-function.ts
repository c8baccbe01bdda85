/**
 * A function as the engine holds it: what `createFunction` returns.
 *
 * @module
 */
import type { NormalizedFunctionConfig, NormalizedTrigger } from "./function-config.js";
import type { Handler } from "./types.js";

/** A defined function. `config` is normalized (defaults filled); `__result` only carries the result type. */
export interface FairwayFunction<TResult = unknown> {
  readonly id: string;
  readonly name: string;
  readonly config: NormalizedFunctionConfig;
  readonly triggers: NormalizedTrigger[];
  readonly handler: Handler<TResult>;
  readonly __result?: TResult;
}

/** The engine's view of a function (same object). */
export type RegisteredFunction = FairwayFunction<unknown>;
