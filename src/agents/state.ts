import { brandClass } from "../engine/process-singleton.js";
import { AgentResult, type AgentResultLike } from "./agent-result.js";
import type { Message, StateData } from "./types.js";

/** Options of `createState`: seed conversation messages, earlier results, and the thread they belong to. */
export interface StateOptions {
  messages?: Message[];
  results?: Array<AgentResult | AgentResultLike>;
  threadId?: string;
}

/** AgentKit's deprecated key-value view of `state.data`. In Fairway it reads and writes `data` itself. */
export interface StateKV {
  set(key: string, value: unknown): void;
  get<V = unknown>(key: string): V | undefined;
  delete(key: string): boolean;
  has(key: string): boolean;
  all(): Record<string, unknown>;
}

/** The JSON form of a State (AgentKit's field names, so states serialized by either library rehydrate). */
export interface StateJSON<T extends StateData = StateData> {
  data: T;
  _data?: T;
  threadId?: string;
  _messages?: Message[];
  _results?: AgentResultLike[];
}

/**
 * The shared memory of a network run: typed mutable `data`, the `results` of every agent call so far,
 * and seed `messages` (earlier conversation). `kv` is a view of `data` (AgentKit kept a separate copy that
 * drifted from `data`; here both always agree, and both survive `clone()` and JSON).
 */
export class State<T extends StateData = StateData> {
  data: T;
  threadId: string | undefined;
  readonly kv: StateKV;
  #messages: Message[];
  #results: AgentResult[];

  constructor(
    init: {
      data?: T;
      messages?: Message[];
      results?: Array<AgentResult | AgentResultLike>;
      threadId?: string;
    } = {},
  ) {
    this.data = { ...(init.data ?? ({} as T)) };
    this.threadId = init.threadId;
    this.#messages = [...(init.messages ?? [])];
    this.#results = (init.results ?? []).map((result) => AgentResult.from(result));
    const data = (): Record<string, unknown> => this.data;
    this.kv = {
      set: (key, value) => {
        data()[key] = value;
      },
      get: <V>(key: string) => data()[key] as V | undefined,
      delete: (key) => (Object.hasOwn(data(), key) ? delete data()[key] : false),
      has: (key) => Object.hasOwn(data(), key),
      all: () => ({ ...data() }),
    };
  }

  /** A copy of the results so far, oldest first. */
  get results(): AgentResult[] {
    return [...this.#results];
  }

  /** A copy of the seed messages. */
  get messages(): Message[] {
    return [...this.#messages];
  }

  setResults(results: Array<AgentResult | AgentResultLike>): void {
    this.#results = results.map((result) => AgentResult.from(result));
  }

  appendResult(result: AgentResult): void {
    this.#results.push(result);
  }

  /** Results from index `start` on (`start` defaults to 0). */
  getResultsFrom(start = 0): AgentResult[] {
    return this.#results.slice(start);
  }

  /**
   * The conversation as messages: the seed `messages`, then each result's `output` and `toolCalls`
   * (or what `formatter` returns for it).
   */
  formatHistory(formatter: (result: AgentResult) => Message[] = defaultFormat): Message[] {
    return [...this.#messages, ...this.#results.flatMap(formatter)];
  }

  /** A deep-enough copy: `data` is copied shallowly (as AgentKit), results and messages by list. */
  clone(): State<T> {
    return new State<T>({
      data: this.data,
      messages: this.#messages,
      results: this.#results,
      threadId: this.threadId,
    });
  }

  toJSON(): StateJSON<T> {
    return {
      data: this.data,
      _data: this.data,
      threadId: this.threadId,
      _messages: this.#messages,
      _results: this.#results.map((result) => result.toJSON()),
    };
  }
}

// `instanceof State` holds for a State made by another copy of this module (dual-package hazard).
brandClass(State, "State");

/** AgentKit's default history formatting: a result's output, then its tool results. */
export function defaultFormat(result: AgentResult): Message[] {
  return [...result.output, ...result.toolCalls];
}

/**
 * Creates a State with `data` (copied shallowly) and optional seed messages, results and thread id.
 *
 * @example const state = createState<{ userId: string }>({ userId: "u1" }, { threadId: "t1" });
 */
export function createState<T extends StateData = StateData>(data?: T, options: StateOptions = {}): State<T> {
  return new State<T>({ data: data ?? ({} as T), ...options });
}

/**
 * A State as is, or one rebuilt from its JSON form (after a step, a queue or an HTTP body). Accepts
 * AgentKit's `_data`/`_messages`/`_results` names and plain `data`/`messages`/`results`; `data` wins over
 * its `_data` copy (it is the field clients edit, and the one AgentKit reads); keeps `threadId` (AgentKit
 * dropped it) and rebuilds each result as an `AgentResult`.
 */
export function toState<T extends StateData = StateData>(
  value: State<T> | StateJSON<T> | Record<string, unknown>,
): State<T> {
  if (value instanceof State) return value;
  const plain = value as Record<string, unknown>;
  return new State<T>({
    data: (plain.data ?? plain._data ?? {}) as T,
    messages: (plain._messages ?? plain.messages ?? []) as Message[],
    results: (plain._results ?? plain.results ?? []) as AgentResultLike[],
    threadId: typeof plain.threadId === "string" ? plain.threadId : undefined,
  });
}
