/**
 * The engine's idle point (`fairway.idle()`, and what `FakeClock.advance` awaits after each timer): the
 * engine counts its store calls in flight, and is idle once none is in flight and no `setImmediate` work
 * (a dispatcher pump, an execution's suspend check, a send's next slice) is queued. Executions that wait for
 * something outside the engine (a promise the test holds, the handler's own I/O) do not keep it busy: await
 * `fairway.waitForRun` or a run event for those. Like `@inngest/test`'s engine, tests await this state
 * instead of counting event-loop turns.
 *
 * @module
 */

/** The one pending `setImmediate` every idle check of this process shares (see {@link nextTurn}). */
let turn: Promise<void> | undefined;

/**
 * Resolves after the immediates queued so far (and their promise jobs) ran. Concurrent idle checks share
 * one immediate, so two of them never keep each other busy.
 */
function nextTurn(): Promise<void> {
  turn ??= new Promise<void>((resolve) =>
    setImmediate(() => {
      turn = undefined;
      resolve();
    }),
  );
  return turn;
}

/** Whether a `setImmediate` callback other than the idle checks' own is queued in this process. */
function immediatesPending(): boolean {
  const queued = process.getActiveResourcesInfo().filter((resource) => resource === "Immediate").length;
  return queued > (turn === undefined ? 0 : 1);
}

type Method = (...args: unknown[]) => unknown;

/** Counts an engine's store calls in flight and tells when the engine is idle. */
export class EngineActivity {
  #inFlight = 0;
  #waiters: Array<() => void> = [];
  /** Called when a counted call settles (one function for every call: nothing is allocated per call but `then`). */
  readonly #settled = () => {
    this.#inFlight--;
    if (this.#inFlight === 0) for (const wake of this.#waiters.splice(0)) wake();
  };

  /**
   * `store` with every call that returns a promise counted until it settles: the same methods, called
   * with the store itself as `this`; other properties (`kind`) read through. With `mapError`, what a
   * method throws or rejects with is passed through it first (`operation` is the method's name): the
   * client maps driver failures to `StoreError`s here, in the same wrapper, so a store call costs one
   * Proxy trap and one derived promise, not one of each per concern.
   */
  track<S extends object>(store: S, mapError?: (error: unknown, operation: string) => unknown): S {
    // The counting wrapper of each method, made once (a method replaced on the store gets a new one).
    const wrappers = new Map<PropertyKey, { method: Method; wrapper: Method }>();
    return new Proxy(store, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property);
        if (typeof value !== "function") return value;
        const known = wrappers.get(property);
        if (known?.method === value) return known.wrapper;
        const wrapper = mapError
          ? this.#mapping(target, value as Method, String(property), mapError)
          : this.#counting(target, value as Method);
        wrappers.set(property, { method: value as Method, wrapper });
        return wrapper;
      },
    });
  }

  /**
   * Resolves once no tracked store call is in flight and no other `setImmediate` work is queued, checked
   * after the promise jobs queued so far ran. Does not wait for timers (a fake clock's due timers are fired
   * by `FakeClock.advance`, which awaits this after each). Never rejects.
   */
  async idle(): Promise<void> {
    for (;;) {
      await nextTurn();
      if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
      else if (!immediatesPending()) return;
    }
  }

  /** `method` called on `target`, its promise (if it returns one) counted while in flight. */
  #counting(target: object, method: Method): Method {
    return (...args) => {
      const result = method.apply(target, args);
      if (!(result instanceof Promise)) return result;
      this.#inFlight++;
      // Counted on the side: the caller gets the store's own promise, so no promise job is added before it resumes.
      result.then(this.#settled, this.#settled);
      return result;
    };
  }

  /**
   * `method` called on `target` with its failures (thrown, or its promise rejected) passed through
   * `mapError`, and its promise counted while in flight: the caller gets the one promise derived with
   * `then`, which settles after the count went down.
   */
  #mapping(
    target: object,
    method: Method,
    operation: string,
    mapError: (error: unknown, operation: string) => unknown,
  ): Method {
    const fulfilled = this.#passValue;
    const rejected = (error: unknown) => {
      this.#settled();
      throw mapError(error, operation);
    };
    return (...args) => {
      let result: unknown;
      try {
        result = method.apply(target, args);
      } catch (error) {
        throw mapError(error, operation);
      }
      if (!(result instanceof Promise)) return result;
      this.#inFlight++;
      return result.then(fulfilled, rejected);
    };
  }

  /** A counted call's value, passed on once the count went down (one function for every call). */
  readonly #passValue = (value: unknown) => {
    this.#settled();
    return value;
  };
}
