/**
 * The `step` object a handler receives: the public shape of Fairway's step tools. Type-only.
 * The engine implements it (each call builds a step operation the executor interprets); agents use it
 * to make every inference and tool call a step. Semantics: DESIGN.md §3 "Steps".
 *
 * @module
 */

/** A duration: milliseconds as a number, or an `ms`-style string such as `"500ms"`, `"30s"`, `"1h"`. */
export type Duration = number | string;

/** An event as sent: `name` required, `data` an object; `id` dedups runs per function for 24 h; `ts` in ms. */
export interface EventPayload<TData extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  data?: TData;
  id?: string;
  ts?: number;
  v?: string;
}

/** An event as stored and delivered to handlers: `id`, `ts` (ms since epoch) and `data` always set. */
export interface FairwayEvent<TData extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  data: TData;
  id: string;
  ts: number;
  v?: string;
}

export interface WaitForEventOptions {
  /** Event name to wait for. */
  event: string;
  /** How long to wait before resolving with `null`. */
  timeout: Duration;
  /** CEL over `event` (the run's trigger event) and `async` (the candidate), e.g. `"async.data.id == event.data.id"`. */
  if?: string;
  /** Shorthand: `"data.id"` means `event.data.id == async.data.id`. Exclusive with `if`. */
  match?: string;
}

export interface InvokeOptions<TResult = unknown> {
  /** The function to invoke: the object returned by `createFunction`, or its id. */
  function: { id: string; __result?: TResult } | string;
  /** Becomes the invoked run's `event.data`. */
  data?: Record<string, unknown>;
  /** Fail the step with a TimeoutError when the invoked run has not finished in time. Default 1 year. */
  timeout?: Duration;
}

export interface StepTools {
  /** Runs `fn` once; its (serialized) result is stored and returned on every replay. */
  run<T>(id: string, fn: () => T | Promise<T>): Promise<Awaited<T>>;
  /** Durable timer: the run holds no slot while it sleeps. */
  sleep(id: string, duration: Duration): Promise<void>;
  sleepUntil(id: string, until: Date | string | number): Promise<void>;
  /** Resolves with the first matching event received since the run was scheduled, or `null` on timeout. */
  waitForEvent(id: string, options: WaitForEventOptions): Promise<FairwayEvent | null>;
  /** Starts another function and resolves with its result; throws a StepError when it fails. */
  invoke<TResult = unknown>(id: string, options: InvokeOptions<TResult>): Promise<TResult>;
  /** Sends events as a step (sent once, even across replays). */
  sendEvent(id: string, events: EventPayload | EventPayload[]): Promise<{ ids: string[] }>;
}
